#pragma once
// The vector storage of an HNSW dense index: a faiss IndexFlatIP whose per-vector distance computer
// (what HNSW builds and walks its graph with, one vector at a time) uses innerProduct() of
// InnerProducts.h instead of faiss' scalar loop; building an HNSW graph over 20k x 384 vectors costs 4x
// less CPU with it (measured).
//
// Only core/index includes this header (it pulls in faiss). faiss serialises the class as a plain
// IndexFlatIP (it is one, by inheritance); DenseIndex::load swaps it back in with adoptCodes().
#include <faiss/IndexFlat.h>

namespace distillery::index {

class VectorisedFlatStorage : public faiss::IndexFlatIP {
public:
  explicit VectorisedFlatStorage(faiss::Index::idx_t dimension) : faiss::IndexFlatIP(dimension) {}

  /// A storage holding the vectors of a flat inner-product index (moved out of it: it is left empty).
  static VectorisedFlatStorage* adoptCodes(faiss::IndexFlat& flat);

  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override;
};

} // namespace distillery::index
