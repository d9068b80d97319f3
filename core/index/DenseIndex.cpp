#include "core/index/DenseIndex.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/HNSW.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "core/index/IvfSearch.h"
#include "core/index/RowScan.h"
#include "core/index/VectorisedFlatStorage.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace distillery::index {
namespace {

// File layout: magic, id count, ids, then faiss' own serialisation of the index. faiss labels are row
// positions; our ids live beside them so filters can map ids to positions.
constexpr char kMagic[8] = {'D', 'S', 'T', 'D', 'N', 'S', '1', '\n'};

// Extra results fetched beyond k so that ties at the k-th score are resolved by id, not by faiss'
// heap order (duplicate passages have identical vectors, hence identical scores).
constexpr int kTieMargin = 8;

// Auto keeps exact search when the calibrated IVF index would probe more than this share of its lists.
// Scanning a fifth of the lists ran 2.1-2.8x faster than exact search (CPU time, 100k x 384 random and
// 93k x 768 real vectors), half of them about as fast (0.9-1.2x); beyond a fifth the approximation buys
// too little for what it loses.
constexpr double kUsefulScanShare = 0.2;

// A filtered HNSW search walks the graph when at least this share of rows is allowed (the beam widened
// by 1 / share, so a narrower filter would more than double the walk), else scans the allowed rows
// exactly. On every data set measured an unfiltered walk at efSearch 256 was already 7-20x slower than an
// exact scan of all rows, so the walk only pays on data where HNSW itself is fast.
constexpr double kGraphFilterShare = 0.5;

// Rows gathered per block for exact filtered search: 16384 x 384 floats = 24 MB of scratch at most.
constexpr std::size_t kGatherRows = 16384;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f)
      std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

} // namespace

struct DenseIndex::Impl {
  std::unique_ptr<faiss::Index> index;
  std::vector<std::int64_t> ids;
  const float* borrowed = nullptr; // a view's vectors (exact kind; `index` is then an empty IndexFlatIP)
  DenseIndexKind kind = DenseIndexKind::Exact;
  int efSearch = 256;
  mutable std::mutex graphMutex;     // HNSW: faiss reads the beam width from the index itself (searchGraph)
  std::vector<const float*> ivfRows; // IVF: where each row position's vector lives in its list
  mutable std::unordered_map<std::int64_t, std::int64_t> positionOfId; // built on first filtered search

  const std::unordered_map<std::int64_t, std::int64_t>& positions() const {
    if (positionOfId.empty() && !ids.empty()) {
      positionOfId.reserve(ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i)
        positionOfId.emplace(ids[i], static_cast<std::int64_t>(i));
    }
    return positionOfId;
  }

  std::int64_t rows() const { return static_cast<std::int64_t>(ids.size()); }
  const faiss::IndexIVFFlat& ivf() const { return static_cast<const faiss::IndexIVFFlat&>(*index); }
  faiss::IndexIVFFlat& ivf() { return static_cast<faiss::IndexIVFFlat&>(*index); }

  // The vector of a row position, whatever the kind.
  const float* row(std::int64_t position) const {
    if (borrowed)
      return borrowed + position * index->d;
    if (kind == DenseIndexKind::Ivf)
      return ivfRows[static_cast<std::size_t>(position)];
    const faiss::Index* flat = index.get();
    if (kind == DenseIndexKind::Hnsw)
      flat = static_cast<const faiss::IndexHNSW&>(*index).storage;
    return static_cast<const faiss::IndexFlat*>(flat)->get_xb() + position * index->d;
  }

  // faiss' result rows (nq x fetch, labels = row positions, -1 padding) as hit lists.
  void collect(const std::vector<float>& scores, const std::vector<faiss::Index::idx_t>& labels, std::int64_t fetch,
               std::vector<HitList>& results) const {
    for (std::size_t q = 0; q < results.size(); ++q)
      for (std::int64_t j = 0; j < fetch; ++j) {
        const std::size_t slot = q * static_cast<std::size_t>(fetch) + static_cast<std::size_t>(j);
        if (labels[slot] >= 0 && labels[slot] < rows())
          results[q].push_back({labels[slot], scores[slot]});
      }
  }

  // One batched faiss call over every vector: BLAS for exact, the parallel graph walk for HNSW.
  void searchFaiss(const float* queries, std::int64_t nq, std::int64_t fetch, const faiss::SearchParameters* params,
                   std::vector<HitList>& results) const {
    std::vector<float> scores(static_cast<std::size_t>(nq * fetch));
    std::vector<faiss::Index::idx_t> labels(scores.size());
    if (borrowed) {
      // What IndexFlatIP::search does with its own copy of the vectors.
      faiss::float_minheap_array_t heaps{static_cast<std::size_t>(nq), static_cast<std::size_t>(fetch), labels.data(),
                                         scores.data()};
      faiss::knn_inner_product(queries, borrowed, static_cast<std::size_t>(index->d), static_cast<std::size_t>(nq),
                               static_cast<std::size_t>(rows()), &heaps);
    } else {
      index->search(nq, queries, fetch, scores.data(), labels.data(), params);
    }
    collect(scores, labels, fetch, results);
  }

  // HNSW's parallel graph walk with a beam of `beam` (and only the selector's rows admitted, when given).
  // faiss 1.7.3 sizes the beam from the index's own efSearch and reads SearchParametersHNSW::efSearch only
  // in its stopping rule (measured: parameter 512 with the field at 256 gave the recall of 256), so the
  // field is set for each search, under a lock because search() is const and may run concurrently.
  void searchGraph(const float* queries, std::int64_t nq, std::int64_t fetch, int beam,
                   const faiss::IDSelector* selector, std::vector<HitList>& results) const {
    faiss::SearchParametersHNSW params;
    params.efSearch = std::max<int>(beam, static_cast<int>(fetch));
    params.sel = const_cast<faiss::IDSelector*>(selector); // faiss only reads it
    const std::lock_guard<std::mutex> lock(graphMutex);
    static_cast<faiss::IndexHNSW&>(*index).hnsw.efSearch = params.efSearch;
    searchFaiss(queries, nq, fetch, &params, results);
  }

  // Exact search over the allowed rows only, gathered block by block into a dense matrix and scanned with
  // BLAS. (faiss' own ID-selector path for flat search scores each row with its scalar loop: 40-55x slower,
  // measured, and the slower the more rows are allowed.)
  void searchAllowedRows(const float* queries, std::int64_t nq, std::size_t keep,
                         const std::vector<std::int64_t>& allowed, std::vector<HitList>& results) const {
    const std::size_t d = static_cast<std::size_t>(index->d);
    RowScan scan(d, keep);
    const std::vector<HitList*> heaps = RowScan::pointersTo(results);
    std::vector<float> block;
    for (std::size_t first = 0; first < allowed.size(); first += kGatherRows) {
      const std::size_t count = std::min(kGatherRows, allowed.size() - first);
      block.resize(count * d);
      for (std::size_t r = 0; r < count; ++r)
        std::memcpy(block.data() + r * d, row(allowed[first + r]), d * sizeof(float));
      scan.scan(queries, static_cast<std::size_t>(nq), block.data(), count, allowed.data() + first, nullptr,
                heaps.data());
    }
  }

  // Filtered search: exact over the allowed rows, or the approximate search admitting only them when
  // that scans fewer rows (see DenseIndex::search).
  void searchWithin(const float* queries, std::int64_t nq, std::int64_t fetch, const std::vector<std::int64_t>& allowed,
                    std::vector<HitList>& results) const {
    const double share = static_cast<double>(allowed.size()) / static_cast<double>(rows());
    if (kind == DenseIndexKind::Ivf) {
      // The allowed rows of the probed lists: probes / share lists hold as many allowed rows as the
      // unfiltered search scans. Worth it while that is fewer rows than the allowed rows themselves.
      const auto lists = static_cast<std::int64_t>(ivf().nlist);
      const auto probes = static_cast<std::int64_t>(std::ceil(static_cast<double>(ivf().nprobe) / share));
      if (probes < lists && static_cast<double>(probes) / static_cast<double>(lists) < share) {
        RowMask mask(static_cast<std::size_t>(rows()));
        for (std::int64_t position : allowed)
          mask.allow(position);
        results = searchIvf(ivf(), queries, nq, static_cast<std::size_t>(fetch), probes, &mask);
        return;
      }
    } else if (kind == DenseIndexKind::Hnsw && share >= kGraphFilterShare) {
      RowMask mask(static_cast<std::size_t>(rows()));
      for (std::int64_t position : allowed)
        mask.allow(position);
      const faiss::IDSelectorBitmap selector(static_cast<std::size_t>(rows()), mask.data());
      searchGraph(queries, nq, fetch, static_cast<int>(std::ceil(efSearch / share)), &selector, results);
      return;
    }
    searchAllowedRows(queries, nq, static_cast<std::size_t>(fetch), allowed, results);
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
    kind = n >= options.approximateAbove ? DenseIndexKind::Ivf : DenseIndexKind::Exact;
  if (kind == DenseIndexKind::Ivf && n == 0)
    kind = DenseIndexKind::Exact; // nothing to train lists on
  impl->efSearch = options.hnswEfSearch;
  try {
    if (kind == DenseIndexKind::Ivf) {
      const std::int64_t lists = options.ivfLists > 0 ? std::min(options.ivfLists, n) : defaultIvfLists(n);
      std::unique_ptr<faiss::IndexIVFFlat> ivf = buildIvf(vectors, n, dimension, lists);
      if (options.ivfProbes > 0) {
        ivf->nprobe = static_cast<std::size_t>(std::min(options.ivfProbes, lists));
      } else {
        const ProbeCalibration calibration = index::calibrateProbes(*ivf, vectors, n, options.targetRecall);
        ivf->nprobe = static_cast<std::size_t>(calibration.probes);
        if (options.kind == DenseIndexKind::Auto && calibration.scannedShare > kUsefulScanShare)
          ivf.reset(); // these vectors have too little structure for lists to pay: exact search instead
      }
      if (ivf) {
        impl->ivfRows = ivfRowsByPosition(*ivf);
        impl->index = std::move(ivf);
      } else {
        kind = DenseIndexKind::Exact;
      }
    }
    if (kind == DenseIndexKind::Hnsw) {
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(dimension, options.hnswM, faiss::METRIC_INNER_PRODUCT);
      delete hnsw->storage; // owned (own_fields); replaced by the same flat storage with a fast distance computer
      hnsw->storage = new VectorisedFlatStorage(dimension);
      hnsw->hnsw.efConstruction = options.hnswEfConstruction;
      hnsw->hnsw.efSearch = options.hnswEfSearch;
      if (n > 0)
        hnsw->add(n, vectors); // one call: faiss adds the vertices of each level in parallel
      impl->index = std::move(hnsw);
    } else if (kind == DenseIndexKind::Exact) {
      impl->index = std::make_unique<faiss::IndexFlatIP>(dimension);
      if (n > 0)
        impl->index->add(n, vectors);
    }
  } catch (const faiss::FaissException& e) {
    throw Error(std::string("dense index: faiss failed to build: ") + e.what());
  }
  impl->kind = kind;
  return DenseIndex(std::move(impl));
}

DenseIndex DenseIndex::view(const float* vectors, std::int64_t n, int dimension, const std::int64_t* ids) {
  if (n < 0)
    throw Error("dense index: negative vector count");
  DenseIndexOptions exact;
  exact.kind = DenseIndexKind::Exact;
  DenseIndex index = build(vectors, 0, dimension, ids, exact); // checks; holds no vector
  index.impl_->ids.assign(ids, ids + n);
  index.impl_->positionOfId.clear();
  if (index.impl_->positions().size() != static_cast<std::size_t>(n))
    throw Error("dense index: duplicate ids among the " + std::to_string(n) + " vectors");
  index.impl_->borrowed = vectors;
  return index;
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
  const std::int64_t wanted = static_cast<std::int64_t>(k) + kTieMargin;
  try {
    if (allowedIds) {
      // Filters become row positions, which is what faiss' labels are.
      const auto& positionOf = impl_->positions();
      std::vector<std::int64_t> allowed;
      allowed.reserve(std::min(allowedIds->size(), static_cast<std::size_t>(n)));
      for (std::int64_t id : *allowedIds)
        if (auto it = positionOf.find(id); it != positionOf.end())
          allowed.push_back(it->second);
      if (allowed.empty())
        return results;
      std::sort(allowed.begin(), allowed.end());
      impl_->searchWithin(queries, nq, std::min<std::int64_t>(static_cast<std::int64_t>(allowed.size()), wanted),
                          allowed, results);
    } else if (impl_->kind == DenseIndexKind::Ivf) {
      results = searchIvf(impl_->ivf(), queries, nq, static_cast<std::size_t>(std::min(n, wanted)),
                          static_cast<std::int64_t>(impl_->ivf().nprobe), nullptr);
    } else if (impl_->kind == DenseIndexKind::Hnsw) {
      impl_->searchGraph(queries, nq, std::min(n, wanted), impl_->efSearch, nullptr, results);
    } else {
      impl_->searchFaiss(queries, nq, std::min(n, wanted), nullptr, results);
    }
  } catch (const faiss::FaissException& e) {
    throw Error(std::string("dense index: faiss search failed: ") + e.what());
  }
  for (HitList& hits : results) {
    for (SearchHit& hit : hits)
      hit.id = impl_->ids[static_cast<std::size_t>(hit.id)]; // row position -> id
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

std::int64_t DenseIndex::probes() const {
  return impl_->kind == DenseIndexKind::Ivf ? static_cast<std::int64_t>(impl_->ivf().nprobe) : 0;
}

std::int64_t DenseIndex::lists() const {
  return impl_->kind == DenseIndexKind::Ivf ? static_cast<std::int64_t>(impl_->ivf().nlist) : 0;
}

void DenseIndex::setProbes(std::int64_t probes) {
  if (impl_->kind == DenseIndexKind::Ivf)
    impl_->ivf().nprobe = static_cast<std::size_t>(std::clamp<std::int64_t>(probes, 1, lists()));
}

std::int64_t DenseIndex::calibrateProbes(const float* queries, std::int64_t nq, double targetRecall) {
  if (impl_->kind != DenseIndexKind::Ivf)
    return 0;
  const ProbeCalibration calibration = calibrateProbesOnQueries(impl_->ivf(), queries, nq, targetRecall);
  if (calibration.probes > 0 && nq > 0)
    setProbes(calibration.probes);
  return probes();
}

void DenseIndex::save(const std::filesystem::path& path) const {
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path());
  AtomicFile file(path, "cannot write dense index");
  const std::uint64_t count = impl_->ids.size();
  file.write({kMagic, sizeof kMagic});
  file.write({reinterpret_cast<const char*>(&count), sizeof count});
  file.write({reinterpret_cast<const char*>(impl_->ids.data()), sizeof(std::int64_t) * count});
  try {
    if (impl_->borrowed) {
      faiss::IndexFlatIP copy(impl_->index->d);
      copy.add(static_cast<faiss::Index::idx_t>(count), impl_->borrowed);
      faiss::write_index(&copy, file.file());
    } else {
      faiss::write_index(impl_->index.get(), file.file());
    }
  } catch (const faiss::FaissException&) {
    file.fail();
  }
  file.commit();
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
  if (auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(impl->index.get())) {
    if (ivf->metric_type != faiss::METRIC_INNER_PRODUCT)
      throw Error("dense index " + path.string() + " is damaged: its IVF lists are not inner product");
    impl->kind = DenseIndexKind::Ivf;
    impl->ivfRows = ivfRowsByPosition(*ivf);
    if (std::count(impl->ivfRows.begin(), impl->ivfRows.end(), nullptr) > 0)
      throw Error("dense index " + path.string() + " is damaged: its IVF lists miss rows");
  } else if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(impl->index.get())) {
    auto* flat = dynamic_cast<faiss::IndexFlat*>(hnsw->storage);
    if (!flat || flat->metric_type != faiss::METRIC_INNER_PRODUCT || !hnsw->own_fields)
      throw Error("dense index " + path.string() + " is damaged: its HNSW graph does not store inner-product vectors");
    hnsw->storage = VectorisedFlatStorage::adoptCodes(*flat); // faiss reads the storage back as a plain IndexFlatIP
    delete flat;
    impl->kind = DenseIndexKind::Hnsw;
    impl->efSearch = hnsw->hnsw.efSearch;
  } else if (dynamic_cast<faiss::IndexFlat*>(impl->index.get()) &&
             impl->index->metric_type == faiss::METRIC_INNER_PRODUCT) {
    impl->kind = DenseIndexKind::Exact;
  } else {
    throw Error("dense index " + path.string() + " is damaged: not an inner-product index Distillery writes");
  }
  return DenseIndex(std::move(impl));
}

} // namespace distillery::index
