// Dense (faiss) and BM25 retrieval, fusion and filters, through their public classes.
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <random>

#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/index/InnerProducts.h"
#include "core/index/PassageFilter.h"
#include "core/index/RankFusion.h"
#include "core/util/Error.h"

using namespace distillery;
using namespace distillery::index;

namespace {

std::vector<float> randomUnitVectors(std::int64_t n, int d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<std::size_t>(n * d));
  for (std::int64_t i = 0; i < n; ++i) {
    float norm = 0;
    for (int j = 0; j < d; ++j) {
      float x = normal(rng);
      v[static_cast<std::size_t>(i * d + j)] = x;
      norm += x * x;
    }
    norm = std::sqrt(norm);
    for (int j = 0; j < d; ++j)
      v[static_cast<std::size_t>(i * d + j)] /= norm;
  }
  return v;
}

// Unit vectors around `topics` random directions (noise of about the topic's norm): neighbours share a
// topic, as real embeddings' do, so an IVF index needs few lists for high recall.
std::vector<float> clusteredUnitVectors(std::int64_t n, int d, int topics, unsigned seed) {
  const auto centres = randomUnitVectors(topics, d, 99);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f / std::sqrt(static_cast<float>(d)));
  std::vector<float> v(static_cast<std::size_t>(n * d));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::size_t topic = rng() % static_cast<std::size_t>(topics);
    float norm = 0;
    for (int j = 0; j < d; ++j) {
      const float x = centres[topic * static_cast<std::size_t>(d) + static_cast<std::size_t>(j)] + normal(rng);
      v[static_cast<std::size_t>(i * d + j)] = x;
      norm += x * x;
    }
    for (int j = 0; j < d; ++j)
      v[static_cast<std::size_t>(i * d + j)] /= std::sqrt(norm);
  }
  return v;
}

std::vector<std::int64_t> sequentialIds(std::int64_t n, std::int64_t first = 0) {
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    ids[static_cast<std::size_t>(i)] = first + i;
  return ids;
}

// Share of the exact lists' ids that the approximate lists found.
double recall(const std::vector<HitList>& approximate, const std::vector<HitList>& exact) {
  std::size_t found = 0, total = 0;
  for (std::size_t q = 0; q < exact.size(); ++q) {
    for (const auto& truth : exact[q])
      for (const auto& hit : approximate[q])
        found += hit.id == truth.id;
    total += exact[q].size();
  }
  return total ? static_cast<double>(found) / static_cast<double>(total) : 0.0;
}

std::vector<std::int64_t> hitIds(const HitList& hits) {
  std::vector<std::int64_t> ids;
  for (const auto& h : hits)
    ids.push_back(h.id);
  return ids;
}

// Brute-force reference: best k of dot products, ties by id.
HitList bruteForce(const std::vector<float>& base, const std::vector<std::int64_t>& ids, const float* query, int d,
                   int k) {
  HitList all;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    float dot = 0;
    for (int j = 0; j < d; ++j)
      dot += base[i * static_cast<std::size_t>(d) + static_cast<std::size_t>(j)] * query[j];
    all.push_back({ids[i], dot});
  }
  sortAndTruncate(all, static_cast<std::size_t>(k));
  return all;
}

} // namespace

class IndexTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

private slots:
  void exactSearchRanksByInnerProductAndBreaksTiesById() {
    // 2-d unit vectors; ids 30 and 10 are the same vector (a duplicate passage).
    const std::vector<float> vectors = {1, 0, 0.6f, 0.8f, 0, 1, 0.6f, 0.8f};
    const std::vector<std::int64_t> ids = {20, 30, 40, 10};
    const DenseIndex index = DenseIndex::build(vectors, 2, ids);
    QVERIFY(index.kind() == DenseIndexKind::Exact);
    const std::vector<float> query = {0.8f, 0.6f};
    const auto results = index.search(query, 3);
    QCOMPARE(results.size(), std::size_t(1));
    // scores: id20 0.8, id30 0.96, id40 0.6, id10 0.96
    QCOMPARE(hitIds(results[0]), (std::vector<std::int64_t>{10, 30, 20}));
    QVERIFY(std::abs(results[0][0].score - 0.96f) < 1e-5f);
  }

  void kLargerThanIndexReturnsEverything() {
    const std::vector<float> vectors = {1, 0, 0, 1};
    const DenseIndex index = DenseIndex::build(vectors, 2, {5, 6});
    const auto results = index.search(std::vector<float>{0, 1}, 10);
    QCOMPARE(hitIds(results[0]), (std::vector<std::int64_t>{6, 5}));
  }

  void batchedSearchMatchesBruteForce() {
    const int d = 16;
    const auto base = randomUnitVectors(500, d, 1);
    std::vector<std::int64_t> ids(500);
    for (int i = 0; i < 500; ++i)
      ids[static_cast<std::size_t>(i)] = 1000 + 7 * i;
    const auto queries = randomUnitVectors(20, d, 2);
    const DenseIndex index = DenseIndex::build(base, d, ids);
    const auto results = index.search(queries, 10);
    QCOMPARE(results.size(), std::size_t(20));
    for (int q = 0; q < 20; ++q)
      QCOMPARE(hitIds(results[static_cast<std::size_t>(q)]),
               hitIds(bruteForce(base, ids, queries.data() + q * d, d, 10)));
  }

  // A view searches the caller's vectors in place: the same hits and scores as an exact index holding a copy,
  // filtered or not, and it saves as an exact index; changing the caller's vectors shows it holds no copy.
  void viewSearchesTheCallersVectorsLikeAnExactIndex() {
    const int d = 24;
    auto base = randomUnitVectors(700, d, 31);
    base.insert(base.end(), base.begin(), base.begin() + 3 * d); // duplicates: exact ties, broken by id
    const auto ids = sequentialIds(703, 5);
    const auto queries = randomUnitVectors(30, d, 32);
    const DenseIndex copy = DenseIndex::build(base, d, ids);
    const DenseIndex view = DenseIndex::view(base.data(), 703, d, ids.data());
    QVERIFY(view.kind() == DenseIndexKind::Exact);
    QCOMPARE(view.size(), std::int64_t(703));
    QCOMPARE(view.dimension(), d);
    const std::unordered_set<std::int64_t> allowed = {5, 6, 7, 100, 704, 705, 706};
    for (const auto* filter : {static_cast<const std::unordered_set<std::int64_t>*>(nullptr), &allowed}) {
      const auto expected = copy.search(queries, 12, filter);
      const auto actual = view.search(queries, 12, filter);
      for (std::size_t q = 0; q < 30; ++q) {
        QCOMPARE(hitIds(actual[q]), hitIds(expected[q]));
        for (std::size_t r = 0; r < actual[q].size(); ++r)
          QCOMPARE(actual[q][r].score, expected[q][r].score);
      }
    }
    const std::string path = dir_.filePath(QStringLiteral("view.dense")).toStdString();
    view.save(path);
    const DenseIndex loaded = DenseIndex::load(path);
    QVERIFY(loaded.kind() == DenseIndexKind::Exact);
    QCOMPARE(hitIds(loaded.search(queries, 12)[3]), hitIds(copy.search(queries, 12)[3]));
    std::fill(base.begin(), base.begin() + d, 0.0f); // row 0 (id 5) now scores 0 with every query
    base[0] = 1.0f;
    const float probe[d] = {1.0f};
    QCOMPARE(view.search(probe, 1, 1)[0].front().id, std::int64_t(5));
    QVERIFY(copy.search(probe, 1, 1)[0].front().score < 0.999f); // the copy never saw the change
    const std::int64_t twice[] = {1, 1};
    QVERIFY_THROWS_EXCEPTION(Error, DenseIndex::view(base.data(), 2, d, twice));
  }

  void filteredSearchReturnsBestAllowedNotFilteredTopK() {
    const int d = 8;
    const auto base = randomUnitVectors(300, d, 3);
    const auto ids = sequentialIds(300, 1);
    std::unordered_set<std::int64_t> allowed;
    std::vector<float> allowedBase;
    std::vector<std::int64_t> allowedIds;
    for (int i = 0; i < 300; i += 3) {
      allowed.insert(i + 1);
      allowedIds.push_back(i + 1);
      allowedBase.insert(allowedBase.end(), base.begin() + i * d, base.begin() + (i + 1) * d);
    }
    allowed.insert(99999); // unknown ids are ignored
    const auto queries = randomUnitVectors(5, d, 4);
    // A third of the rows allowed: every kind scans the allowed rows exactly (cheaper than a wider
    // approximate search), so all agree with brute force over the allowed rows.
    for (DenseIndexKind kind : {DenseIndexKind::Exact, DenseIndexKind::Ivf, DenseIndexKind::Hnsw}) {
      DenseIndexOptions options;
      options.kind = kind;
      options.ivfLists = 4;
      options.ivfProbes = 1;
      const DenseIndex index = DenseIndex::build(base, d, ids, options);
      QVERIFY(index.kind() == kind);
      const auto results = index.search(queries, 5, &allowed);
      for (int q = 0; q < 5; ++q) {
        const auto& hits = results[static_cast<std::size_t>(q)];
        QCOMPARE(hits.size(), std::size_t(5)); // 5 allowed hits, not what survives of an unfiltered top 5
        QCOMPARE(hitIds(hits), hitIds(bruteForce(allowedBase, allowedIds, queries.data() + q * d, d, 5)));
      }
    }
    const DenseIndex index = DenseIndex::build(base, d, ids);
    const std::unordered_set<std::int64_t> none = {424242};
    QVERIFY(index.search(queries, 5, &none)[0].empty());
  }

  void approximateSearchWithinAWideFilterOnlyReturnsAllowedIds() {
    // Two thirds allowed: HNSW walks its graph and IVF scans its probed lists, admitting allowed rows only.
    const int d = 32, n = 4000, k = 10;
    const auto base = clusteredUnitVectors(n, d, 40, 11);
    const auto ids = sequentialIds(n, 100);
    std::unordered_set<std::int64_t> allowed;
    for (std::int64_t id : ids)
      if (id % 3 != 0)
        allowed.insert(id);
    const auto queries = clusteredUnitVectors(50, d, 40, 12);
    const auto exact = DenseIndex::build(base, d, ids).search(queries, k, &allowed);
    for (DenseIndexKind kind : {DenseIndexKind::Ivf, DenseIndexKind::Hnsw}) {
      DenseIndexOptions options;
      options.kind = kind;
      const DenseIndex index = DenseIndex::build(base, d, ids, options);
      if (kind == DenseIndexKind::Ivf)
        QVERIFY2(index.probes() * 3 < index.lists(), qPrintable(QString::number(index.probes()))); // not a full scan
      const auto results = index.search(queries, k, &allowed);
      for (const auto& hits : results) {
        QCOMPARE(hits.size(), std::size_t(k));
        for (const auto& hit : hits)
          QVERIFY2(allowed.count(hit.id), qPrintable(QString::number(hit.id)));
      }
      QVERIFY2(recall(results, exact) >= 0.95, qPrintable(QString::number(recall(results, exact))));
    }
  }

  void autoBuildsACalibratedIvfIndexWhereListsPayAndExactSearchWhereNot() {
    const int d = 32, k = 10;
    DenseIndexOptions options;
    options.approximateAbove = 2000;
    // Clustered vectors: few lists reach recall@10 0.95, so Auto keeps the IVF index.
    const auto clustered = clusteredUnitVectors(4000, d, 40, 5);
    const auto queries = clusteredUnitVectors(100, d, 40, 6);
    const DenseIndex ivf = DenseIndex::build(clustered, d, sequentialIds(4000), options);
    QVERIFY(ivf.kind() == DenseIndexKind::Ivf);
    QVERIFY2(ivf.probes() * 5 <= ivf.lists(),
             qPrintable(QStringLiteral("%1 of %2").arg(ivf.probes()).arg(ivf.lists())));
    const auto truth = DenseIndex::build(clustered, d, sequentialIds(4000)).search(queries, k);
    QVERIFY2(recall(ivf.search(queries, k), truth) >= 0.95, "calibrated IVF below its recall target");
    options.approximateAbove = 5000;
    QVERIFY(DenseIndex::build(clustered, d, sequentialIds(4000), options).kind() == DenseIndexKind::Exact);

    // Random vectors in 128 dimensions have no neighbourhood structure: recall 0.95 needs most lists, where
    // scanning them is no faster than exact search, so Auto builds the exact index.
    const auto random = randomUnitVectors(4000, 128, 7);
    options.approximateAbove = 2000;
    QVERIFY(DenseIndex::build(random, 128, sequentialIds(4000), options).kind() == DenseIndexKind::Exact);
    // Asked for explicitly, IVF is kept and calibrated to the target all the same.
    options.kind = DenseIndexKind::Ivf;
    const DenseIndex forced = DenseIndex::build(random, 128, sequentialIds(4000), options);
    QVERIFY(forced.kind() == DenseIndexKind::Ivf);
    const auto randomQueries = randomUnitVectors(100, 128, 8);
    const double forcedRecall = recall(forced.search(randomQueries, k),
                                       DenseIndex::build(random, 128, sequentialIds(4000)).search(randomQueries, k));
    QVERIFY2(forcedRecall >= 0.93, qPrintable(QString::number(forcedRecall))); // sample calibrated at 0.95
    QVERIFY(denseIndexKindFromString("ivf") == DenseIndexKind::Ivf);
    QVERIFY_THROWS_EXCEPTION(InputError, denseIndexKindFromString("approximate"));
  }

  void ivfCalibratesOnTheQueriesItIsGiven() {
    // Queries far from every topic (random directions; a question is nearer no passage than passages are
    // to each other) are harder than any row: their neighbours spread over many lists. The build's
    // calibration on rows cannot know that; calibrating on the queries reaches the target on them.
    const int d = 32, k = 10;
    const auto base = clusteredUnitVectors(6000, d, 40, 21);
    const auto queries = randomUnitVectors(200, d, 22);
    DenseIndexOptions options;
    options.kind = DenseIndexKind::Ivf;
    DenseIndex ivf = DenseIndex::build(base, d, sequentialIds(6000), options);
    const auto truth = DenseIndex::build(base, d, sequentialIds(6000)).search(queries, k);
    const std::int64_t rowProbes = ivf.probes();
    const double rowRecall = recall(ivf.search(queries, k), truth);
    const std::int64_t queryProbes = ivf.calibrateProbes(queries.data(), 200, 0.95);
    QCOMPARE(queryProbes, ivf.probes());
    const double queryRecall = recall(ivf.search(queries, k), truth);
    QVERIFY2(rowRecall < 0.95 && queryProbes > rowProbes && queryRecall >= 0.95,
             qPrintable(QStringLiteral("rows: %1 probes, recall %2; queries: %3 probes, recall %4 (of %5 lists)")
                            .arg(rowProbes)
                            .arg(rowRecall)
                            .arg(queryProbes)
                            .arg(queryRecall)
                            .arg(ivf.lists())));
    // Within an eighth of the smallest: one eighth fewer probes misses the target.
    ivf.setProbes(queryProbes - std::max<std::int64_t>(1, queryProbes / 8));
    QVERIFY(recall(ivf.search(queries, k), truth) < 0.95);
    // Other kinds have no probes to calibrate.
    DenseIndex exact = DenseIndex::build(base, d, sequentialIds(6000));
    QCOMPARE(exact.calibrateProbes(queries.data(), 200, 0.95), std::int64_t{0});
  }

  void hnswRecallFollowsItsBeamWidth() {
    const int d = 32;
    const auto base = randomUnitVectors(3000, d, 5);
    DenseIndexOptions options;
    options.kind = DenseIndexKind::Hnsw;
    options.hnswEfSearch = 10; // built narrow; setEfSearch must widen what faiss actually searches with
    DenseIndex approximate = DenseIndex::build(base, d, sequentialIds(3000), options);
    QVERIFY(approximate.kind() == DenseIndexKind::Hnsw);
    const auto queries = randomUnitVectors(100, d, 6);
    const auto truth = DenseIndex::build(base, d, sequentialIds(3000)).search(queries, 10);
    const double narrow = recall(approximate.search(queries, 10), truth);
    approximate.setEfSearch(400);
    const double wide = recall(approximate.search(queries, 10), truth);
    QVERIFY2(wide >= 0.99 && narrow < wide, qPrintable(QStringLiteral("recall@10 %1 -> %2").arg(narrow).arg(wide)));
  }

  void vectorisedInnerProductsMatchTheirDefinition() {
    const auto a = randomUnitVectors(1, 400, 21), b = randomUnitVectors(1, 400, 22);
    for (std::size_t d : {1u, 7u, 31u, 32u, 33u, 64u, 100u, 384u, 400u}) { // below, at and past the 32 lanes
      double expected = 0;
      for (std::size_t i = 0; i < d; ++i)
        expected += static_cast<double>(a[i]) * b[i];
      QVERIFY2(std::abs(innerProduct(a.data(), b.data(), d) - expected) < 1e-5, qPrintable(QString::number(d)));
    }
    const int d = 20;
    const auto queries = randomUnitVectors(3, d, 23), rows = randomUnitVectors(5, d, 24);
    std::vector<float> scores(15);
    innerProductMatrix(queries.data(), 3, rows.data(), 5, d, scores.data());
    for (int q = 0; q < 3; ++q)
      for (int r = 0; r < 5; ++r) {
        double expected = 0;
        for (int i = 0; i < d; ++i)
          expected += static_cast<double>(queries[q * d + i]) * rows[r * d + i];
        QVERIFY(std::abs(scores[static_cast<std::size_t>(q * 5 + r)] - expected) < 1e-5);
      }
  }

  void saveAndLoadGiveTheSameResults() {
    const int d = 12;
    const auto base = randomUnitVectors(400, d, 7);
    std::vector<std::int64_t> ids(400);
    for (int i = 0; i < 400; ++i)
      ids[static_cast<std::size_t>(i)] = 400 - i;
    const auto queries = randomUnitVectors(10, d, 8);
    for (DenseIndexKind kind : {DenseIndexKind::Exact, DenseIndexKind::Ivf, DenseIndexKind::Hnsw}) {
      DenseIndexOptions options;
      options.kind = kind;
      options.ivfLists = 8;
      options.ivfProbes = 3;
      const DenseIndex built = DenseIndex::build(base, d, ids, options);
      const std::string path = dir_.filePath(QStringLiteral("sub/index-%1.dense").arg(int(kind))).toStdString();
      built.save(path);
      const DenseIndex loaded = DenseIndex::load(path);
      QVERIFY(loaded.kind() == kind);
      QCOMPARE(loaded.probes(), built.probes()); // IVF: the probe count travels with the index
      QCOMPARE(loaded.lists(), built.lists());
      QCOMPARE(loaded.size(), std::int64_t(400));
      QCOMPARE(loaded.dimension(), d);
      const std::unordered_set<std::int64_t> allowed = {1, 2, 3, 50, 300};
      const auto before = built.search(queries, 7);
      const auto after = loaded.search(queries, 7);
      const auto filteredAfter = loaded.search(queries, 7, &allowed);
      for (std::size_t q = 0; q < 10; ++q) {
        QCOMPARE(hitIds(after[q]), hitIds(before[q]));
        QCOMPARE(filteredAfter[q].size(), std::size_t(5));
      }
    }
  }

  void loadRefusesMissingAndDamagedFiles() {
    QVERIFY_THROWS_EXCEPTION(Error, DenseIndex::load(dir_.filePath(QStringLiteral("missing.dense")).toStdString()));
    const std::string damaged = dir_.filePath(QStringLiteral("damaged.dense")).toStdString();
    std::ofstream(damaged) << "not an index";
    try {
      DenseIndex::load(damaged);
      QFAIL("damaged file loaded");
    } catch (const Error& e) {
      QVERIFY(QString::fromStdString(e.what()).contains(QStringLiteral("damaged.dense")));
    }
    QVERIFY_THROWS_EXCEPTION(Error, DenseIndex::build(std::vector<float>{1, 0, 0, 1}, 2, {1, 1}));
  }

  void bm25TokensAreLowercaseAlphanumericRuns() {
    const auto tokens = bm25Tokens("Net revenue (FY2023): $1,234.5M -- Café");
    const std::vector<std::string> expected = {"net", "revenue", "fy2023", "1", "234", "5m", "café"};
    QCOMPARE(tokens, expected);
  }

  void bm25ScoresMatchTheFormula() {
    // Hand-computed: N = 3, avgdl = (2 + 4 + 1) / 3; query "revenue".
    const std::vector<std::int64_t> ids = {1, 2, 3};
    const std::vector<std::string> texts = {"revenue growth", "revenue revenue fell sharply", "costs"};
    const Bm25Index index = Bm25Index::build(ids, texts);
    const auto results = index.search({"Revenue"}, 10);
    QCOMPARE(results[0].size(), std::size_t(2)); // "costs" shares no term
    const double k1 = 0.9, b = 0.4, avgdl = 7.0 / 3.0;
    const double idf = std::log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const double s1 = idf * 1 * (k1 + 1) / (1 + k1 * (1 - b + b * 2 / avgdl));
    const double s2 = idf * 2 * (k1 + 1) / (2 + k1 * (1 - b + b * 4 / avgdl));
    QCOMPARE(results[0][0].id, std::int64_t(2));
    QVERIFY(std::abs(results[0][0].score - s2) < 1e-5);
    QVERIFY(std::abs(results[0][1].score - s1) < 1e-5);
  }

  void bm25HitListsHoldOnlyTheirHits() {
    // Every passage shares the query's term, so a query touches all 500; its list must keep k of them, not
    // the room for 500 (a batch of pseudo-queries held queries x passages hits, issue 24).
    std::vector<std::int64_t> ids;
    std::vector<std::string> texts;
    for (int i = 0; i < 500; ++i) {
      ids.push_back(i + 1);
      texts.push_back("revenue " + std::string(static_cast<std::size_t>(1 + i % 7), 'x'));
    }
    const Bm25Index index = Bm25Index::build(ids, texts);
    const auto results = index.search({"revenue", "revenue x"}, 3);
    for (const auto& hits : results) {
      QCOMPARE(hits.size(), std::size_t(3));
      QVERIFY2(hits.capacity() <= 3, ("capacity " + std::to_string(hits.capacity())).c_str());
    }
  }

  void bm25BreaksTiesByIdAndHonoursFiltersAndBatches() {
    const std::vector<std::int64_t> ids = {9, 4, 7, 1};
    const std::vector<std::string> texts = {"cash flow", "cash flow", "cash flow", "dividend"};
    const Bm25Index index = Bm25Index::build(ids, texts);
    std::vector<std::string> queries(200, "cash");
    queries[1] = "dividend payout";
    const auto results = index.search(queries, 2);
    QCOMPARE(results.size(), std::size_t(200));
    QCOMPARE(hitIds(results[0]), (std::vector<std::int64_t>{4, 7}));
    QCOMPARE(hitIds(results[199]), (std::vector<std::int64_t>{4, 7}));
    QCOMPARE(hitIds(results[1]), (std::vector<std::int64_t>{1}));
    const std::unordered_set<std::int64_t> allowed = {9, 1};
    QCOMPARE(hitIds(index.search({"cash"}, 5, &allowed)[0]), (std::vector<std::int64_t>{9}));
  }

  void bm25StopsWhenAsked() {
    std::stop_source stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(Cancelled, Bm25Index::build({1}, {"text"}, {}, {}, stop.get_token()));
  }

  void reciprocalRankFusionByHand() {
    const HitList dense = {{1, 0.9f}, {2, 0.8f}, {3, 0.7f}};
    const HitList bm25 = {{3, 12.0f}, {4, 11.0f}};
    const HitList fused = reciprocalRankFusion({dense, bm25}, 10);
    // 3: 1/63 + 1/61; 1: 1/61; 4: 1/62; 2: 1/62 (tie with 4: id 2 first).
    QCOMPARE(hitIds(fused), (std::vector<std::int64_t>{3, 1, 2, 4}));
    QVERIFY(std::abs(fused[0].score - (1.0 / 63 + 1.0 / 61)) < 1e-6);
    QCOMPARE(reciprocalRankFusion({dense, bm25}, 2).size(), std::size_t(2));
  }

  void passageFilterParsesAndRejectsBadTerms() {
    const PassageFilter filter = PassageFilter::parse("filing_type=10-K, company=Apple Inc.");
    QCOMPARE(*filter.filingType, std::string("10-K"));
    QCOMPARE(*filter.company, std::string("Apple Inc."));
    QVERIFY(!filter.document);
    QCOMPARE(filter.toString(), std::string("filing_type=10-K,company=Apple Inc."));
    QVERIFY(PassageFilter::parse("").empty());
    QVERIFY_THROWS_EXCEPTION(InputError, PassageFilter::parse("sector=tech"));
    QVERIFY_THROWS_EXCEPTION(InputError, PassageFilter::parse("filing_type="));
    QVERIFY_THROWS_EXCEPTION(InputError, PassageFilter::parse("10-K"));
  }
};

QTEST_GUILESS_MAIN(IndexTest)
#include "test_index.moc"
