/**
 * The compliance checks the app runs on every synth (cdk-nag 3 as CDK validation plugins) and the one way
 * this code acknowledges a finding: by its exact id, on the narrowest construct, with a reason a data
 * protection officer or a penetration tester can judge. test/infra/checks.test.ts lists every
 * acknowledgement, so a new one cannot slip in unreviewed.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The packs the hub is held to. */
export function hubChecks(scope?: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope), new ServerlessChecks(scope), new NIST80053R5Checks(scope)];
}

export function addHubChecks(app: App): void {
  Validations.of(app).addPlugins(...hubChecks(app));
}

/** Acknowledges one finding on one construct (and what it contains), with the reason it stands. */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/** Every acknowledgement in a construct tree, as `path: id`, in tree order. */
export function acknowledgementsIn(root: IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || entry.data === undefined) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}
