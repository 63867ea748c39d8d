export * from './contract';
export * from './api';
export * from './bounds';
export * from './dto';
export { createHttpClient, type HttpClientOptions } from './http-client';
export * from './names';
