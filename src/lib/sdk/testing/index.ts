// Testing twins of the client core's adapters, for the core's own tests and a vendor's: storage in
// memory, a clock moved by hand, files in memory.
export { memoryStorage, type MemoryStorage } from './memory-storage.js';
export { manualClock, type ManualClock } from './manual-clock.js';
export { memoryFiles, type MemoryFiles } from './memory-files.js';
export { scriptedCamera, type ScriptedCamera } from './scripted-camera.js';
export { memoryDurability, type MemoryDurability } from './memory-durability.js';
