// The public API of the reliable-service/ folder, re-exported for lib/index.ts only (modules
// inside lib/ import the precise module). A file rather than reliable-service/index.ts because
// depcruise's no-index-inside-lib forbids lib/index.ts from importing a nested index.ts; once
// lib/index.ts names the two modules itself, this file can go.
export * from './reliable-service/props';
export * from './reliable-service/reliable-service';
