import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (v2) event as the Lambda receives it. */
export function apiEvent(method: string, path: string, options: { body?: string | object; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  const headers = { 'content-type': 'application/json', ...options.headers };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
  };
}
