/**
 * Stands in, in the notification sender's Lambda bundle only, for `semver`, which the GOV.UK Notify client's
 * JWT library (jsonwebtoken) requires for three checks of the Node version when it is loaded, and for
 * nothing else. semver builds its whole grammar of regular expressions as it loads, on every cold start, to
 * answer questions the runtime (nodejs24.x, infra/hub-function.ts) has settled. This answers those three
 * from the running Node's version, and refuses any other range, so that a jsonwebtoken that asks something
 * new fails at load, in test/bench/sender-bundle.test.ts, not quietly in production.
 */
type Version = { readonly major: number; readonly minor: number };

/** Each range jsonwebtoken asks about, as semver reads it (none of them needs the patch version). */
const RANGES: Readonly<Record<string, (version: Version) => boolean>> = {
  '^6.12.0 || >=8.0.0': ({ major, minor }) => (major === 6 && minor >= 12) || major >= 8,
  '>=15.7.0': ({ major, minor }) => major > 15 || (major === 15 && minor >= 7),
  '>=16.9.0': ({ major, minor }) => major > 16 || (major === 16 && minor >= 9),
};

export function satisfies(version: string, range: string): boolean {
  const answer = RANGES[range];
  if (answer === undefined) throw new Error(`semver is left out of this bundle; it cannot answer the range ${range}`);
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return answer({ major, minor });
}

export default { satisfies };
