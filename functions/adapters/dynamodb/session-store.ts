/**
 * The console's sessions table: sessions, sign-ins under way and kept forms, one item each, keyed by the
 * hash of the random id the browser holds. Every item carries a TTL; reads check expiry in code as well,
 * since DynamoDB deletes expired items late.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { KeptForm, PendingSignIn, Session, SessionStore } from '../../console/ports.js';
import type { SealedBox } from '../../core/sealed-box.js';
import { isConditionalCheckFailed, withDatabase } from './errors.js';

const epochSeconds = (iso: string) => Math.ceil(new Date(iso).getTime() / 1000);
/**
 * An ended session is kept 16 hours past its end, so a form sent after it ended can be kept for the
 * person who was signed in (and given back to nobody else); with the 8-hour session, a draft alert in it is
 * gone within a day of the sign-in.
 */
const KEEP_ENDED_SECONDS = 16 * 60 * 60;

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  async create(session: Session): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `SESSION#${session.key}`, ...session, ttl: epochSeconds(session.endsAt) + KEEP_ENDED_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** The session, even if it has ended (the caller decides what an ended one may still do), until it is gone. */
  async get(key: string): Promise<Session | undefined> {
    const item = await this.read(`SESSION#${key}`);
    if (item === undefined || Number(item['ttl']) * 1000 <= this.now().getTime()) return undefined;
    const { pk: _pk, ttl: _ttl, ...session } = item;
    return session as Session;
  }

  async touch(key: string, lastSeenAt: string): Promise<void> {
    await this.updateExisting(key, 'SET lastSeenAt = :at', { ':at': lastSeenAt });
  }

  async saveDraft(key: string, draft: SealedBox | undefined): Promise<void> {
    if (draft === undefined) await this.updateExisting(key, 'REMOVE draft', {});
    else await this.updateExisting(key, 'SET draft = :draft', { ':draft': draft });
  }

  async end(key: string): Promise<void> {
    await withDatabase(() => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `SESSION#${key}` } })));
  }

  async keepForm(form: KeptForm): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: `FORM#${form.key}`, ...form, ttl: epochSeconds(form.expiresAt) } }),
      ),
    );
  }

  async takeForm(key: string): Promise<KeptForm | undefined> {
    const item = await this.take(`FORM#${key}`);
    if (item === undefined) return undefined;
    const { pk: _pk, ttl: _ttl, ...form } = item;
    return form as KeptForm;
  }

  async startSignIn(pending: PendingSignIn): Promise<void> {
    await withDatabase(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `SIGNIN#${pending.key}`, ...pending, ttl: epochSeconds(pending.expiresAt) },
        }),
      ),
    );
  }

  async takeSignIn(key: string): Promise<PendingSignIn | undefined> {
    const item = await this.take(`SIGNIN#${key}`);
    if (item === undefined) return undefined;
    const { pk: _pk, ttl: _ttl, ...pending } = item;
    return pending as PendingSignIn;
  }

  private async read(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await withDatabase(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true })),
    );
    return Item;
  }

  /** Deletes and returns the item, if it has not expired: one use only, even under two concurrent requests. */
  private async take(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Attributes } = await withDatabase(() =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk }, ReturnValues: 'ALL_OLD' })),
    );
    if (Attributes === undefined || new Date(String(Attributes['expiresAt'])) <= this.now()) return undefined;
    return Attributes;
  }

  private async updateExisting(key: string, expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SESSION#${key}` },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      await withDatabase(() => Promise.reject(error));
    }
  }
}
