/**
 * `npm run migrate -- --alerts-table <name> --meetings-table <name> --content-key-id <KMS key ARN> [--region eu-west-2]`:
 * runs the stored-data
 * migrations against a deployed hub's tables with your AWS credentials. Run it once after deploying a version
 * whose release notes say it changes what is stored; it is idempotent. The local hub runs the same migrations
 * at every start. The content key is needed to reseal alerts stored sealed per scope into one copy per reader
 * (your credentials need kms:Decrypt and kms:GenerateDataKey on it); until that has run, such an alert
 * reads as not found, never as an error.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../functions/adapters/aws-client-config.js';
import { migrate } from '../functions/adapters/dynamodb/migrations.js';
import { createKmsClient, KmsKeyService } from '../functions/adapters/kms/kms-key-service.js';
import { documentClientFor } from '../functions/shared/wiring.js';

const { values } = parseArgs({
  options: {
    'alerts-table': { type: 'string' },
    'meetings-table': { type: 'string' },
    'content-key-id': { type: 'string' },
    region: { type: 'string', default: 'eu-west-2' },
  },
});
const alerts = values['alerts-table'];
const meetings = values['meetings-table'];
if (alerts === undefined || meetings === undefined) {
  process.stderr.write(
    'Usage: npm run migrate -- --alerts-table <name> --meetings-table <name> [--content-key-id <key ARN>] [--region <region>]\n',
  );
  process.exit(2);
}
const client = documentClientFor(new DynamoDBClient(awsClientConfig(values.region)));
const keyId = values['content-key-id'];
const keys = keyId === undefined ? undefined : new KmsKeyService({ client: createKmsClient(values.region), keyId });
const report = await migrate(client, { alerts, meetings }, keys);
process.stdout.write(`${JSON.stringify(report)}\n`);
client.destroy();
