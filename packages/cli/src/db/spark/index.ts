/**
 * The Spark engine of `vault run --engine spark`: a `Database` over a Spark SQL endpoint
 * (connection.ts) and its URL forms and credentials (url.ts). docs/spark.md.
 */
export { connectFailure, openSpark, SparkServerError, sparkMessage } from './connection.js';
export { CREDENTIALS_ENV, parseSparkUrl, sparkEndpoint, sparkEndpointOption, sparkCredentials, sparkLocation, type SparkAddress, type SparkCredentials } from './url.js';
export { lockSparkSchemas, sparkLockPath } from './lock.js';
