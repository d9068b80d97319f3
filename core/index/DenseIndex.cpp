#include "core/index/DenseIndex.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/HNSW.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "core/util/Error.h"

namespace distillery::index {
namespace {

// File layout: magic, id count, ids, then faiss' own serialisation of the index. faiss labels are row
// positions; our ids live beside them so filters can map ids to positions.
constexpr char kMagic[8] = {'D', 'S', 'T', 'D', 'N', 'S', '1', '\n'};

// Extra results fetched beyond k so that ties at the k-th score are resolved by id, not by faiss'
// heap order (duplicate passages have identical vectors, hence identical scores).
constexpr int kTieMargin = 8;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f)
      std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

} // namespace

std::string toString(DenseIndexKind kind) {
  switch (kind) {
  case DenseIndexKind::Auto:
    return "auto";
  case DenseIndexKind::Exact:
    return "exact";
  case DenseIndexKind::Hnsw:
    return "hnsw";
  }
  return "auto";
}

DenseIndexKind denseIndexKindFromString(const std::string& text) {
  if (text == "auto")
    return DenseIndexKind::Auto;
  if (text == "exact" || text == "flat")
    return DenseIndexKind::Exact;
  if (text == "hnsw" || text == "approximate")
    return DenseIndexKind::Hnsw;
  throw InputError("unknown dense index kind '" + text + "' (expected auto, exact or hnsw)");
}

struct DenseIndex::Impl {
  std::unique_ptr<faiss::Index> index;
  std::vector<std::int64_t> ids;
  DenseIndexKind kind = DenseIndexKind::Exact;
  int efSearch = 256;
  mutable std::unordered_map<std::int64_t, std::int64_t> positionOfId; // built on first filtered search

  const std::unordered_map<std::int64_t, std::int64_t>& positions() const {
    if (positionOfId.empty() && !ids.empty()) {
      positionOfId.reserve(ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i)
        positionOfId.emplace(ids[i], static_cast<std::int64_t>(i));
    }
    return positionOfId;
  }
};

DenseIndex::DenseIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DenseIndex::DenseIndex(DenseIndex&&) noexcept = default;
DenseIndex& DenseIndex::operator=(DenseIndex&&) noexcept = default;
DenseIndex::~DenseIndex() = default;

DenseIndex DenseIndex::build(const float* vectors, std::int64_t n, int dimension, const std::int64_t* ids,
                             const DenseIndexOptions& options) {
  if (dimension <= 0)
    throw Error("dense index: dimension must be positive, got " + std::to_string(dimension));
  if (n < 0)
    throw Error("dense index: negative vector count");
  auto impl = std::make_unique<Impl>();
  impl->ids.assign(ids, ids + n);
  if (impl->positions().size() != static_cast<std::size_t>(n))
    throw Error("dense index: duplicate ids among the " + std::to_string(n) + " vectors");

  DenseIndexKind kind = options.kind;
  if (kind == DenseIndexKind::Auto)
    kind = n >= options.approximateAbove ? DenseIndexKind::Hnsw : DenseIndexKind::Exact;
  impl->kind = kind;
  impl->efSearch = options.hnswEfSearch;
  try {
    if (kind == DenseIndexKind::Hnsw) {
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(dimension, options.hnswM, faiss::METRIC_INNER_PRODUCT);
      hnsw->hnsw.efConstruction = options.hnswEfConstruction;
      hnsw->hnsw.efSearch = options.hnswEfSearch;
      impl->index = std::move(hnsw);
    } else {
      impl->index = std::make_unique<faiss::IndexFlatIP>(dimension);
    }
    if (n > 0)
      impl->index->add(n, vectors);
  } catch (const faiss::FaissException& e) {
    throw Error(std::string("dense index: faiss failed to build: ") + e.what());
  }
  return DenseIndex(std::move(impl));
}

DenseIndex DenseIndex::build(const std::vector<float>& vectors, int dimension, const std::vector<std::int64_t>& ids,
                             const DenseIndexOptions& options) {
  if (dimension <= 0 || vectors.size() != ids.size() * static_cast<std::size_t>(dimension))
    throw Error("dense index: " + std::to_string(vectors.size()) + " floats do not make " + std::to_string(ids.size()) +
                " rows of dimension " + std::to_string(dimension));
  return build(vectors.data(), static_cast<std::int64_t>(ids.size()), dimension, ids.data(), options);
}

std::vector<HitList> DenseIndex::search(const float* queries, std::int64_t nq, int k,
                                        const std::unordered_set<std::int64_t>* allowedIds) const {
  std::vector<HitList> results(static_cast<std::size_t>(std::max<std::int64_t>(nq, 0)));
  const std::int64_t n = size();
  if (nq <= 0 || k <= 0 || n == 0)
    return results;

  // Filters become a bitmap over row positions, which is what faiss' labels are.
  std::vector<std::uint8_t> bitmap;
  std::unique_ptr<faiss::IDSelectorBitmap> selector;
  std::int64_t candidates = n;
  if (allowedIds) {
    bitmap.assign(static_cast<std::size_t>((n + 7) / 8), 0);
    const auto& positions = impl_->positions();
    candidates = 0;
    for (std::int64_t id : *allowedIds) {
      auto it = positions.find(id);
      if (it == positions.end())
        continue;
      bitmap[static_cast<std::size_t>(it->second >> 3)] |= static_cast<std::uint8_t>(1u << (it->second & 7));
      ++candidates;
    }
    if (candidates == 0)
      return results;
    selector = std::make_unique<faiss::IDSelectorBitmap>(static_cast<std::size_t>(n), bitmap.data());
  }

  const std::int64_t fetch = std::min<std::int64_t>(candidates, static_cast<std::int64_t>(k) + kTieMargin);
  std::vector<float> scores(static_cast<std::size_t>(nq * fetch));
  std::vector<faiss::Index::idx_t> labels(static_cast<std::size_t>(nq * fetch));
  try {
    if (impl_->kind == DenseIndexKind::Hnsw) {
      faiss::SearchParametersHNSW params;
      params.sel = selector.get();
      params.efSearch = std::max<int>(impl_->efSearch, static_cast<int>(fetch));
      impl_->index->search(nq, queries, fetch, scores.data(), labels.data(), &params);
    } else if (selector) {
      faiss::SearchParameters params;
      params.sel = selector.get();
      impl_->index->search(nq, queries, fetch, scores.data(), labels.data(), &params);
    } else {
      impl_->index->search(nq, queries, fetch, scores.data(), labels.data());
    }
  } catch (const faiss::FaissException& e) {
    throw Error(std::string("dense index: faiss search failed: ") + e.what());
  }

  for (std::int64_t q = 0; q < nq; ++q) {
    HitList& hits = results[static_cast<std::size_t>(q)];
    hits.reserve(static_cast<std::size_t>(fetch));
    for (std::int64_t j = 0; j < fetch; ++j) {
      const faiss::Index::idx_t label = labels[static_cast<std::size_t>(q * fetch + j)];
      if (label < 0 || label >= n)
        continue; // faiss pads with -1 when fewer results exist
      hits.push_back({impl_->ids[static_cast<std::size_t>(label)], scores[static_cast<std::size_t>(q * fetch + j)]});
    }
    sortAndTruncate(hits, static_cast<std::size_t>(k));
  }
  return results;
}

std::vector<HitList> DenseIndex::search(const std::vector<float>& queries, int k,
                                        const std::unordered_set<std::int64_t>* allowedIds) const {
  const int d = dimension();
  if (queries.size() % static_cast<std::size_t>(d) != 0)
    throw Error("dense index: query matrix of " + std::to_string(queries.size()) + " floats is not a multiple of " +
                std::to_string(d));
  return search(queries.data(), static_cast<std::int64_t>(queries.size() / static_cast<std::size_t>(d)), k, allowedIds);
}

std::int64_t DenseIndex::size() const {
  return static_cast<std::int64_t>(impl_->ids.size());
}

int DenseIndex::dimension() const {
  return impl_->index->d;
}

DenseIndexKind DenseIndex::kind() const {
  return impl_->kind;
}

const std::vector<std::int64_t>& DenseIndex::ids() const {
  return impl_->ids;
}

void DenseIndex::setEfSearch(int efSearch) {
  impl_->efSearch = std::max(1, efSearch);
}

void DenseIndex::save(const std::filesystem::path& path) const {
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path temporary = path.string() + ".part";
  {
    FilePtr file(std::fopen(temporary.c_str(), "wb"));
    if (!file)
      throw Error("cannot write dense index " + temporary.string() + ": " + std::strerror(errno));
    const std::uint64_t count = impl_->ids.size();
    bool ok = std::fwrite(kMagic, 1, sizeof kMagic, file.get()) == sizeof kMagic &&
              std::fwrite(&count, sizeof count, 1, file.get()) == 1 &&
              (count == 0 || std::fwrite(impl_->ids.data(), sizeof(std::int64_t), count, file.get()) == count);
    if (ok) {
      try {
        faiss::write_index(impl_->index.get(), file.get());
      } catch (const faiss::FaissException& e) {
        ok = false;
      }
    }
    if (!ok || std::fflush(file.get()) != 0)
      throw Error("cannot write dense index " + temporary.string() + ": write failed");
  }
  std::filesystem::rename(temporary, path);
}

DenseIndex DenseIndex::load(const std::filesystem::path& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file)
    throw Error("cannot open dense index " + path.string() + ": " + std::strerror(errno));
  char magic[sizeof kMagic];
  std::uint64_t count = 0;
  if (std::fread(magic, 1, sizeof magic, file.get()) != sizeof magic || std::memcmp(magic, kMagic, sizeof magic) != 0)
    throw Error("dense index " + path.string() + " is not a Distillery index file (bad header)");
  if (std::fread(&count, sizeof count, 1, file.get()) != 1 || count > (1ull << 40))
    throw Error("dense index " + path.string() + " is damaged (bad id count)");
  auto impl = std::make_unique<Impl>();
  impl->ids.resize(count);
  if (count > 0 && std::fread(impl->ids.data(), sizeof(std::int64_t), count, file.get()) != count)
    throw Error("dense index " + path.string() + " is truncated (ids)");
  try {
    impl->index.reset(faiss::read_index(file.get()));
  } catch (const faiss::FaissException& e) {
    throw Error("dense index " + path.string() + " is damaged: " + e.what());
  }
  if (static_cast<std::uint64_t>(impl->index->ntotal) != count)
    throw Error("dense index " + path.string() + " is damaged: " + std::to_string(impl->index->ntotal) +
                " vectors for " + std::to_string(count) + " ids");
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(impl->index.get())) {
    impl->kind = DenseIndexKind::Hnsw;
    impl->efSearch = hnsw->hnsw.efSearch;
  } else {
    impl->kind = DenseIndexKind::Exact;
  }
  return DenseIndex(std::move(impl));
}

} // namespace distillery::index
