#include "core/index/VectorisedFlatStorage.h"

#include <faiss/impl/FaissAssert.h>

#include <utility>

#include "core/index/InnerProducts.h"

namespace distillery::index {
namespace {

// Similarity (larger is closer), as faiss' own inner-product computer: IndexHNSW negates it itself.
class InnerProductComputer : public faiss::FlatCodesDistanceComputer {
public:
  InnerProductComputer(const float* vectors, std::size_t dimension)
      : faiss::FlatCodesDistanceComputer(reinterpret_cast<const std::uint8_t*>(vectors), dimension * sizeof(float)),
        vectors_(vectors), dimension_(dimension) {}

  void set_query(const float* query) override { query_ = query; }

  float distance_to_code(const std::uint8_t* code) override {
    return innerProduct(query_, reinterpret_cast<const float*>(code), dimension_);
  }

  float symmetric_dis(faiss::Index::idx_t i, faiss::Index::idx_t j) override {
    return innerProduct(vectors_ + i * dimension_, vectors_ + j * dimension_, dimension_);
  }

private:
  const float* vectors_;
  std::size_t dimension_;
  const float* query_ = nullptr;
};

} // namespace

VectorisedFlatStorage* VectorisedFlatStorage::adoptCodes(faiss::IndexFlat& flat) {
  FAISS_THROW_IF_NOT_MSG(flat.metric_type == faiss::METRIC_INNER_PRODUCT, "dense index storage is not inner product");
  auto* storage = new VectorisedFlatStorage(flat.d);
  storage->codes = std::move(flat.codes);
  storage->ntotal = flat.ntotal;
  flat.codes.clear();
  flat.ntotal = 0;
  return storage;
}

faiss::FlatCodesDistanceComputer* VectorisedFlatStorage::get_FlatCodesDistanceComputer() const {
  return new InnerProductComputer(get_xb(), static_cast<std::size_t>(d));
}

} // namespace distillery::index
