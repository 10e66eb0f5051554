/**
 * The audit queue's consumer: writes each event to the audit table. Run by Lambda's SQS event source
 * (with reportBatchItemFailures) and, in the local hub, by the in-process queue. On a FIFO queue a failed
 * message fails the rest of its group in the batch too, so an access history is never written out of order.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AuditEvent } from '../../contracts/audit.js';
import { worker } from '../shared/function.js';
import { errorNames, logger } from '../shared/logger.js';
import { auditStore } from '../shared/wiring.js';

export const { handler, wire } = worker((env) => {
  const store = auditStore(env);
  // A body that is not an audit event can never succeed; it fails until the redrive policy dead-letters it.
  const storeEvent = async (record: SQSRecord): Promise<void> => store.put(AuditEvent.parse(JSON.parse(record.body)));
  return (event: SQSEvent, context: Context) => storeBatch(event, context, storeEvent);
});

async function storeBatch(event: SQSEvent, context: Context, storeEvent: (record: SQSRecord) => Promise<void>): Promise<SQSBatchResponse> {
  const processor = new SqsFifoPartialProcessorAsync();
  const response = await processPartialResponse(event, storeEvent, processor, {
    context,
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });
  if (response.batchItemFailures.length > 0) {
    logger.warn('audit events not stored', {
      failed: response.batchItemFailures.length,
      of: event.Records.length,
      errors: processor.errors.flatMap(errorNames).slice(0, 5),
    });
  }
  return response;
}
