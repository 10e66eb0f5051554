/**
 * Stands in, in the notification sender's Lambda bundle only, for the module the GOV.UK Notify client
 * require()s for its default transport ('axios'; scripts/bundle.ts, NOTIFY_DEFAULT_TRANSPORT_UNUSED). The
 * adapter gives every client its own transport (setClient) before any request, so this is never called;
 * were it ever, the send fails plainly, and the queue retries it and, in the end, dead-letters it.
 */
export default function unusedDefaultTransport(): Promise<never> {
  return Promise.reject(
    new Error('The Notify client used its default transport (axios), which this bundle leaves out: call setClient before any request'),
  );
}
