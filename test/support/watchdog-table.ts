import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../infra/local/dynamodb-local';
import { LOCAL_TABLE_NAME } from '../../infra/local/wiring';
import { ENTITY } from '../../shared/adapters/dynamodb/keys';
import type { Inquiry } from '../../shared/domain/inquiry';

/** Every item of one entity in a table, read straight from DynamoDB (a Scan: tests only, never the product). */
export async function scanEntity(endpoint: string, entity: keyof typeof ENTITY, tableName = LOCAL_TABLE_NAME): Promise<Array<Record<string, unknown>>> {
  const client = localDynamoClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  const items: Array<Record<string, unknown>> = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#entity = :entity',
          ExpressionAttributeNames: { '#entity': 'entity' },
          ExpressionAttributeValues: { ':entity': ENTITY[entity] },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/** The inquiries stored in the table (the local runtime's unless named). */
export async function storedInquiries(endpoint: string, tableName = LOCAL_TABLE_NAME): Promise<Inquiry[]> {
  return (await scanEntity(endpoint, 'inquiry', tableName)) as unknown as Inquiry[];
}

/** Values that occur more than once, with their counts: the "duplicated" of every scenario. */
export function repeated<T>(values: T[]): Array<[T, number]> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}
