/**
 * The parts of `openid-client` the console's sign-in uses, in a module of their own so that ./sign-in.ts can
 * load them with import() on the first sign-in: esbuild keeps every export of a module loaded so, and this one
 * exports only these, so the rest of openid-client (and of oauth4webapi under it) stays out of the bundle.
 */
export {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  ClientSecretBasic,
  type Configuration,
  calculatePKCECodeChallenge,
  discovery,
  None,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from 'openid-client';
