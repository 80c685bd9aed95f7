/* Host only: the C interface of libsnn_ipu_graph.so, the "graph" backend of
 * snn_ipu.runtime: one neuron layer, forward or backward, built with the
 * graph functions (NeuronGraph.hpp) on an IPU target and executed by the
 * host executor (csrc/host_poplar), vertices in a shuffled order, bounds
 * checked. A C interface, so that Python loads it with ctypes and the library
 * needs neither pybind11 nor Python's headers to be built where it is used
 * (snn_ipu/_backends/graph.py mirrors these structs). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SNN_GRAPH_MAX_STATES = 3, SNN_GRAPH_MAX_PARAMS = 5 };

/* A layer and its host buffers. Element data (current, spikes, records and
 * their gradients) are float32 or, with half set, IEEE binary16; states and
 * parameters float32. A null input is zeros (the states), absent (an upstream
 * gradient); every output buffer the call writes must be given. */
struct SnnGraphLayer {
  uint32_t model, resetMode, resetDelay, recordStates, surrogate, half;
  float surrogateA, surrogateB;
  uint64_t numSteps, numNeurons, currentRows; /* currentRows: T or 1 */
  /* The target: an ipu2 (GC200) with these tiles (0: 1472) and bytes per
   * tile (0: 624 KiB). */
  uint32_t numTiles;
  uint64_t bytesPerTile;
  uint64_t seed; /* the executor's vertex order */

  const void *current;
  const float *stateInit[SNN_GRAPH_MAX_STATES];
  const float *params[SNN_GRAPH_MAX_PARAMS];
  uint64_t paramSizes[SNN_GRAPH_MAX_PARAMS]; /* 1 or numNeurons */

  /* Forward outputs. */
  void *spikes;
  void *records[SNN_GRAPH_MAX_STATES]; /* with recordStates */
  float *stateFinal[SNN_GRAPH_MAX_STATES];

  /* Backward inputs (null: absent) and outputs. */
  const void *gradSpikes;
  const void *gradRecords[SNN_GRAPH_MAX_STATES];
  const float *gradStateFinal[SNN_GRAPH_MAX_STATES];
  void *gradCurrent;                               /* currentRows x N */
  float *gradStateInit[SNN_GRAPH_MAX_STATES];      /* N each */
  float *gradParams[SNN_GRAPH_MAX_PARAMS];         /* paramSizes[i] each */
  float *gradParamPartials[SNN_GRAPH_MAX_PARAMS];  /* N each */
};

/* What the executed graph was, as a profile would show it. */
struct SnnGraphReport {
  uint64_t numTiles, bytesPerTile, tilesUsed, variables, vertices, edges;
  uint64_t computeSets, copies, copyBytes, exchangeBytes;
  uint64_t largestTile, largestTileBytes;
  uint64_t planTiles, planNeuronsPerTile, planChunkNeurons;
  uint64_t planForwardBytesPerTile, planBackwardBytesPerTile;
};

/* 0 on success; else 1 with the refusal's message in `error`. `report` may
 * be null. */
int snn_graph_forward(const struct SnnGraphLayer *layer,
                      struct SnnGraphReport *report, char *error,
                      size_t errorSize);
int snn_graph_backward(const struct SnnGraphLayer *layer,
                       struct SnnGraphReport *report, char *error,
                       size_t errorSize);

#ifdef __cplusplus
}
#endif
