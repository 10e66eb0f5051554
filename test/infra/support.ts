/**
 * One in-process synth of the hub app for a test file (bundling skipped, cdk-nag plugins off: the checks
 * test runs the packs itself), and a renderer that turns CloudFormation intrinsics into readable strings
 * so expectations can say `AlertsTable.Arn/index/inbox` instead of an export name with a hash in it.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { createHubApp, type HubApp } from '../../infra/app.js';

export const ISSUER = 'https://issuer.example.invalid/';
export const AUDIENCE = 'mset-hub-test';

export type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export type SynthesizedHub = HubApp & {
  statefulTemplate: Template;
  statelessTemplate: Template;
  /** Renders a template value: `Ref` as `Name`, `Fn::GetAtt` as `Name.Attr`, imports as what they export. */
  render(value: unknown): unknown;
  resources(template: Template, type: string): Record<string, Resource>;
};

export function synthesizeHub(options: { checks?: boolean; context?: Readonly<Record<string, string>> } = {}): SynthesizedHub {
  const hub = createHubApp({
    checks: options.checks ?? false,
    context: { 'aws:cdk:bundling-stacks': [], issuer: ISSUER, audience: AUDIENCE, ...options.context },
  });
  const statefulTemplate = Template.fromStack(hub.stateful);
  const statelessTemplate = Template.fromStack(hub.stateless);
  const exports = new Map<string, unknown>();
  for (const output of Object.values(statefulTemplate.toJSON()['Outputs'] ?? {}) as { Value: unknown; Export?: { Name: string } }[]) {
    if (output.Export !== undefined) exports.set(output.Export.Name, output.Value);
  }

  const render = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(render);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [[key, argument]] = entries as [[string, any]];
      if (key === 'Ref') return String(argument).startsWith('AWS::') ? `\${${argument}}` : argument;
      if (key === 'Fn::GetAtt') return `${argument[0]}.${argument[1]}`;
      if (key === 'Fn::ImportValue') {
        if (!exports.has(argument)) throw new Error(`No export ${argument} in the stateful stack`);
        return render(exports.get(argument));
      }
      if (key === 'Fn::Join') return (argument[1] as unknown[]).map((part) => String(render(part))).join(argument[0]);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, render(item)]));
  };

  const resources = (template: Template, type: string) => template.findResources(type) as Record<string, Resource>;
  return { ...hub, statefulTemplate, statelessTemplate, render, resources };
}
