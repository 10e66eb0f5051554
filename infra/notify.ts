/**
 * GOV.UK Notify's settings for the notification sender, from CDK context:
 *
 *   npx cdk deploy --all ... -c notifyTemplateIds='{"ALERT_SHARED":"<id>",...}' [-c notifyApiKeySecret=<name or ARN>]
 *
 * The API key lives in Secrets Manager (never in context, the environment or a log): by default the secret
 * named `mset-hub/notify-api-key` in the stack's account and region. Only the sender's role may read it.
 * Without `notifyTemplateIds` (a synth on a fresh clone) every template id is a placeholder, and Notify
 * refuses every message: the share shows it as undelivered, with the telephone number to call instead.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TEMPLATE_NAMES, type TemplateName } from '../contracts/notifications.js';

export const DEFAULT_NOTIFY_SECRET_NAME = 'mset-hub/notify-api-key';

export type NotifySettings = {
  readonly templateIds: Readonly<Record<TemplateName, string>>;
  /** The secret's name or full ARN, as the function reads it. */
  readonly apiKeySecret: string;
  /** What the sender's policy names: the full ARN, or the name's ARN with Secrets Manager's six-character suffix. */
  readonly apiKeySecretArn: (scope: Construct) => string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function notifySettingsFromContext(scope: Construct): NotifySettings {
  const ids: unknown = scope.node.tryGetContext('notifyTemplateIds');
  const given = typeof ids === 'string' ? (JSON.parse(ids) as Record<string, unknown>) : ((ids ?? {}) as Record<string, unknown>);
  const templateIds = Object.fromEntries(
    TEMPLATE_NAMES.map((name, i) => {
      const id = given[name] ?? `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
      if (typeof id !== 'string' || !UUID.test(id))
        throw new Error(`CDK context "notifyTemplateIds": ${name} must be a Notify template id`);
      return [name, id];
    }),
  ) as Record<TemplateName, string>;
  const secret: unknown = scope.node.tryGetContext('notifyApiKeySecret');
  const apiKeySecret = typeof secret === 'string' && secret.trim() !== '' ? secret.trim() : DEFAULT_NOTIFY_SECRET_NAME;
  return {
    templateIds,
    apiKeySecret,
    apiKeySecretArn: (at) =>
      apiKeySecret.startsWith('arn:')
        ? apiKeySecret
        : Stack.of(at).formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${apiKeySecret}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
  };
}

/** The sender's variables (functions/shared/lambda-environment.ts reads them): ids and the secret's name, never the key. */
export function notifyEnvironment(settings: NotifySettings): Record<string, string> {
  return { NOTIFY_TEMPLATE_IDS: JSON.stringify(settings.templateIds), NOTIFY_API_KEY_SECRET_ARN: settings.apiKeySecret };
}
