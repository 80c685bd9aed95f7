// Vertices of the graph executor's tests, written like the project's
// codelets (csrc/codelets), registered as the library "graphtest.gp":
//   graphtest::ScaleRows<T>           MultiVertex: out[r][c] = in[r][c] * scale
//                                     (scale: 1 value or numCols), every row r,
//                                     workers taking blocks of columns; sizes
//                                     declared ([numRows] edges of numCols)
//   graphtest::ScaleRowsUndeclared<T> the same class, sizes not declared
//   graphtest::Accumulate<T>          MultiVertex: acc[i] += in[i] (an InOut)
//   graphtest::Sum<T>                 Vertex: out[0] = the sum of in
//   graphtest::Stamp                  Vertex: out[0] = id, and id appended to
//                                     stampLog() (the order vertices ran in)
#pragma once

#include <vector>

namespace graphtest {

constexpr const char *kTestCodelets = "graphtest.gp";

void registerTestCodelets();
std::vector<unsigned> &stampLog();

} // namespace graphtest
