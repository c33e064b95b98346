/**
 * The http.* fields: names, types and descriptions from Wireshark packet-http.c (tshark -G
 * fields, 4.0). Values are added by the HTTP layer (layers/http-layer.ts).
 */
import { defineField, defineProtocol } from '../fields/registry.ts';

export const HF = {
  http: defineProtocol('http', 'Hypertext Transfer Protocol'),
  request: defineField({ name: 'http.request', type: 'bool', description: 'Request' }),
  response: defineField({ name: 'http.response', type: 'bool', description: 'Response' }),
  method: defineField({ name: 'http.request.method', type: 'string', description: 'Request Method' }),
  uri: defineField({ name: 'http.request.uri', type: 'string', description: 'Request URI' }),
  reqVersion: defineField({ name: 'http.request.version', type: 'string', description: 'Request Version' }),
  respVersion: defineField({ name: 'http.response.version', type: 'string', description: 'Response Version' }),
  code: defineField({ name: 'http.response.code', type: 'uint', description: 'Status Code', bits: 16 }),
  phrase: defineField({ name: 'http.response.phrase', type: 'string', description: 'Response Phrase' }),
  host: defineField({ name: 'http.host', type: 'string', description: 'Host' }),
  userAgent: defineField({ name: 'http.user_agent', type: 'string', description: 'User-Agent' }),
  authorization: defineField({ name: 'http.authorization', type: 'string', description: 'Authorization' }),
  cookie: defineField({ name: 'http.cookie', type: 'string', description: 'Cookie' }),
  contentType: defineField({ name: 'http.content_type', type: 'string', description: 'Content-Type' }),
  contentLength: defineField({ name: 'http.content_length', type: 'uint', description: 'Content length', bits: 64 }),
  contentEncoding: defineField({ name: 'http.content_encoding', type: 'string', description: 'Content-Encoding' }),
  time: defineField({ name: 'http.time', type: 'reltime', description: 'Time since request' }),
  requestIn: defineField({ name: 'http.request_in', type: 'framenum', description: 'Request in frame' }),
  responseIn: defineField({ name: 'http.response_in', type: 'framenum', description: 'Response in frame' }),
  fileData: defineField({ name: 'http.file_data', type: 'string', description: 'File Data' }),
} as const;
