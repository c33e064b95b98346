/**
 * Loads every module that declares fields, so the registry is complete before the CLI lists
 * fields or a filter is checked. Add a protocol here when you add its dissector.
 */
import '../dissectors/packet.ts';
import '../syscalls/fields.ts';
import '../http/http-fields.ts';
import '../layers/tcp-analysis-fields.ts';
import '../layers/column-fields.ts';
