/**
 * A producer to be killed: opens a journaled queue and sends numbered messages, a few at a time, writing
 * each number to stdout only once its send has resolved. A test SIGKILLs it mid-stream and reopens the
 * journal. Writes to a pipe are synchronous on Linux, so a number the test has read was acknowledged
 * before the next line could be written.
 *
 * Usage: node --import tsx test/support/journaled-sender.ts <journal path> <count>
 */
import { InProcessQueue } from '../../local/in-process-queue.js';

const [journalPath, countArgument] = process.argv.slice(2);
if (journalPath === undefined || countArgument === undefined) throw new Error('usage: journaled-sender <journal path> <count>');
const count = Number(countArgument);
/** Several sends in flight at once, so they share syncs as a busy hub's do. */
const IN_FLIGHT = 8;

const queue = await InProcessQueue.open({ journalPath, queueName: 'kill-test.fifo' });
let next = 0;
async function sendLoop(): Promise<void> {
  while (next < count) {
    const index = next++;
    await queue.send({ body: JSON.stringify({ index }), groupId: 'kill-test', dedupId: `message-${index}` });
    process.stdout.write(`${index}\n`);
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, () => sendLoop()));
await queue.close();
