/**
 * The EventBridge Scheduler schedule of one scheduled job, with everything it owns: its execution role and
 * the one customer-managed policy that says what the role may do, which is invoke that job's function and
 * nothing else. The target is handed the role "without policy updates", as ./hub-function.ts hands each
 * function its role, so the target's own grant (a default policy that also allows every version and alias,
 * `<function>:*`) never appears: the permission is the statement below.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { FunctionName } from './permissions.js';

export type JobScheduleProps = {
  readonly name: FunctionName;
  readonly function: IFunction;
  readonly everyMinutes: number;
};

/**
 * Times Scheduler retries an invocation Lambda refused (throttled, say), within the interval. A run that
 * fails in the function is Lambda's to retry (asynchronous invocation), and the next tick's to finish.
 */
export const SCHEDULE_RETRY_ATTEMPTS = 2;

export class JobSchedule extends Construct {
  readonly role: Role;
  readonly policy: ManagedPolicy;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Only EventBridge Scheduler, for a schedule of this account's default group (AWS's confused-deputy
    // advice), may assume it; and only a deployer allowed iam:PassRole on it can name it in a schedule.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
      description: `MSET hub schedule of ${props.name}`,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `MSET hub schedule of ${props.name}: invoke that function and nothing else`,
      statements: [
        new PolicyStatement({
          sid: 'InvokeJob',
          actions: ['lambda:InvokeFunction'],
          // The unqualified ARN, which Scheduler invokes: no version or alias (`:*`).
          resources: [props.function.functionArn],
        }),
      ],
      roles: [this.role],
    });

    const interval = Duration.minutes(props.everyMinutes);
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.rate(interval),
      target: new LambdaInvoke(props.function, {
        role: this.role.withoutPolicyUpdates(),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        // A tick not delivered by the next one is dropped: the next does what it would have done.
        maxEventAge: interval,
      }),
      description: `MSET hub: ${props.name}, every ${props.everyMinutes} minutes`,
    });
    // The first tick must find the role able to invoke.
    this.schedule.node.addDependency(this.policy);
  }
}
