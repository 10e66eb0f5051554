/**
 * The retry and timeout policy every AWS client in the hub shares; clients themselves are made once per
 * container by the composition root. Standard retries (exponential backoff with jitter and a retry quota)
 * rather than adaptive: a Lambda container serves one request at a time, so adaptive's client-side rate
 * limiter has little traffic to learn from and only adds waiting. Timeouts keep a stalled connection from
 * eating the function's whole budget; what still fails surfaces as a 503, never as partial state.
 */
export function awsClientConfig(region?: string) {
  return {
    ...(region ? { region } : {}),
    maxAttempts: 3,
    retryMode: 'standard' as const,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
  };
}
