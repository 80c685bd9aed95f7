// How a tile's neuron block is divided among its workers. Pure arithmetic,
// shared by the codelets (which divide their own block) and the tile plan
// (which reports and tests the same division).
#pragma once

namespace snn_ipu {

struct WorkerRange {
  unsigned begin;
  unsigned end;
};

// Splits `count` elements into contiguous blocks for `numWorkers` workers.
// Blocks start on a multiple of `grain` elements and differ in size by at most
// one grain; trailing workers may get an empty block.
inline WorkerRange workerRange(unsigned count, unsigned worker,
                               unsigned numWorkers, unsigned grain) {
  const unsigned grains = count / grain + (count % grain != 0);
  const unsigned base = grains / numWorkers;
  const unsigned extra = grains % numWorkers;
  const unsigned firstGrain = worker * base + (worker < extra ? worker : extra);
  const unsigned numGrains = base + (worker < extra ? 1u : 0u);
  unsigned begin = firstGrain * grain;
  unsigned end = (firstGrain + numGrains) * grain;
  if (begin > count)
    begin = count;
  if (end > count)
    end = count;
  return {begin, end};
}

} // namespace snn_ipu
