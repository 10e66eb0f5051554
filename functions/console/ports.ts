/**
 * What the console keeps between requests. Sessions live on the server; the browser holds only a random
 * id, and the store only that id's hash, so a copy of the table lets nobody sign in as anyone. Anything a
 * person typed that may name a child (a draft alert, a form sent after the session ended) is a sealed box,
 * like alert content.
 */
import type { SealedBox } from '../core/sealed-box.js';

export type Session = {
  /** The hash of the cookie's id. */
  readonly key: string;
  /** The ID token's claims, flattened as API Gateway flattens a token's, for the claims parser. */
  readonly claims: Readonly<Record<string, string>>;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The absolute end, however active the person is. */
  readonly endsAt: string;
  /** The ID token, kept only to end the session at the identity provider on sign-out. */
  readonly idToken?: string;
  /** The alert being written, between "Send an alert" and "Check your answers". */
  readonly draft?: SealedBox;
};

/** A form that arrived after its session had ended, kept for the same person to finish after signing in. */
export type KeptForm = {
  readonly key: string;
  /** Whose form it was: it is given back only to the same person. */
  readonly sub: string;
  readonly path: string;
  readonly fields: SealedBox;
  readonly expiresAt: string;
};

/** A sign-in under way: the PKCE verifier, state and nonce, and where to go after. */
export type PendingSignIn = {
  readonly key: string;
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly expiresAt: string;
};

export interface SessionStore {
  create(session: Session): Promise<void>;
  /** Also an ended session, for a while: the console checks the time-outs, and keeps a late form for its person. */
  get(key: string): Promise<Session | undefined>;
  /** Records activity; nothing happens if the session has gone meanwhile. */
  touch(key: string, lastSeenAt: string): Promise<void>;
  saveDraft(key: string, draft: SealedBox | undefined): Promise<void>;
  end(key: string): Promise<void>;
  keepForm(form: KeptForm): Promise<void>;
  /** Reads and deletes: a kept form is given back once. */
  takeForm(key: string): Promise<KeptForm | undefined>;
  startSignIn(pending: PendingSignIn): Promise<void>;
  takeSignIn(key: string): Promise<PendingSignIn | undefined>;
}

/** A message as the notification service would have rendered it (the local hub's mail outbox). */
export type SentMessage = {
  readonly id: string;
  readonly sentAt: string;
  readonly template: string;
  readonly to: string;
  readonly reference: string;
  readonly subject: string;
  readonly body: string;
};

/** What was sent, newest first: only the local hub has one (its mail outbox); a deployed hub sends through Notify. */
export interface SentMail {
  list(): readonly SentMessage[];
}
