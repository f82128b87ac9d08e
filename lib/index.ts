// Reliakit's public API: the constructs, their props and value types, layer by layer (lowest first).
// Each layer's index.ts lists its exports explicitly; helpers not listed there are internal.
export * from './core';
export * from './workload';
export * from './data';
export * from './observability';
export * from './gateway';
export * from './chaos';
export * from './delivery';
