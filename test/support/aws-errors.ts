/** The failures the AWS SDK raises, as the real exception classes, for aws-sdk-client-mock rejections. */
import { ConditionalCheckFailedException, InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';

const metadata = { $metadata: { httpStatusCode: 400, requestId: 'test-request', attempts: 1, totalRetryDelay: 0 } };

export const conditionalCheckFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...metadata });

export const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', ...metadata });

export const internalServerError = () => new InternalServerError({ message: 'Internal server error', ...metadata });

/** What a dropped connection looks like from the SDK's node HTTP handler. */
export const networkError = () => Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
