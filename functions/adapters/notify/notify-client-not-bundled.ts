/**
 * Stands in for the GOV.UK Notify client in the console's split build (scripts/bundle.ts,
 * NOTIFY_CLIENT_NOT_BUNDLED). The console never sends a message itself (its pages put intents on the
 * notifications queue, which the sender reads), but the composition root's lazily imported Notify adapter
 * becomes a chunk of the split build all the same; with this in place of the client, that chunk links like
 * every other, and the console carries no Notify client. Were it ever built, it fails plainly.
 */
export class NotifyClient {
  constructor() {
    throw new Error('The GOV.UK Notify client is not in this bundle: only the notification sender sends');
  }
}
