// GPU tier smoke test: one WGSL compute shader (c = a + b, elementwise) on the WebGPU adapter that
// Dawn finds (lavapipe on a machine without a GPU), read back and compared with the CPU result.
// test-all.mjs runs this tier only after a child process has found an adapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../server/numeric/rng';

const shader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&c)) { c[id.x] = a[id.x] + b[id.x]; }
}`;

test('a WGSL compute shader adds two arrays on the WebGPU adapter', async () => {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Dawn lives as long as the object returned by create() is referenced: dropping it while work is in
  // flight lets the GC tear Dawn down (mapAsync never settles, or the process segfaults).
  let gpu: GPU | undefined = create([]);
  const adapter = await gpu.requestAdapter();
  assert.ok(adapter, 'a WebGPU adapter is available');
  const device = await adapter.requestDevice();
  try {
    // 1000 is not a multiple of the workgroup size: the bounds check in the shader matters.
    const n = 1000;
    const rng = new Rng(12345);
    const a = new Float32Array(new ArrayBuffer(n * 4)), b = new Float32Array(new ArrayBuffer(n * 4));
    for (let i = 0; i < n; i++) { a[i] = rng.normal() * 100; b[i] = rng.normal(); }
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const upload = (data: Float32Array<ArrayBuffer>) => {
      const buf = device.createBuffer({ size: data.byteLength, usage });
      device.queue.writeBuffer(buf, 0, data);
      return buf;
    };
    const bufA = upload(a), bufB = upload(b);
    const bufC = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readback = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const module = device.createShaderModule({ code: shader });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [bufA, bufB, bufC].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    enc.copyBufferToBuffer(bufC, 0, readback, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const c = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    // An f32 sum of two f32 values is correctly rounded on every conforming implementation.
    for (let i = 0; i < n; i++) assert.equal(c[i], Math.fround(a[i] + b[i]), `element ${i}`);
  } finally {
    device.destroy();
    gpu = undefined; // lets the process exit once the test is done
  }
});
