// Testing twins of the client core's adapters, for the core's own tests and a vendor's: storage in
// memory, a clock moved by hand, files in memory.
export { memoryStorage, type MemoryStorage } from './memory-storage';
export { manualClock, type ManualClock } from './manual-clock';
export { memoryFiles, type MemoryFiles } from './memory-files';
