// The part of the WebAssembly global that the server uses (server/engine/kernels/wasm*.ts). Node has
// the global, but TypeScript types it only in lib.dom, which the server's config leaves out on purpose
// (tsconfig.server.json: no DOM). Only tsconfig.server.json includes this file; configs with DOM use lib.dom's.
declare namespace WebAssembly {
  type ExportValue = ((...args: never[]) => unknown) | Memory;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, ExportValue | number>>;
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    /** as lib.dom types it (a shared memory really holds a SharedArrayBuffer) */
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
}
type BufferSource = ArrayBufferView | ArrayBuffer;
