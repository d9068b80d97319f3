// The BERT encoder against an independent libtorch reference, safetensors checks, export and reload,
// batched encoding, the default student and the encoder factory. Models are tiny and written by the tests.
#include "core/model/DefaultStudent.h"
#include "core/model/EncoderFactory.h"
#include "core/model/Safetensors.h"
#include "core/model/StudentModel.h"
#include "core/model/TrainingLoop.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/support/BertSmall.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <numeric>

using namespace distillery;
using namespace distillery::model;

namespace {

const std::vector<std::string> kTexts{
    "Revenue increased 12% to $4.2 billion in fiscal 2023, driven by cloud services.",
    "Operating expenses decreased due to lower restructuring charges.",
    "The Company repurchased 3.1 million shares of common stock during the quarter.",
    "Net cash provided by operating activities was $812 million.",
    "Goodwill impairment testing is performed annually in the fourth quarter.",
    "Our credit facility contains covenants that limit additional indebtedness.",
    "Diluted earnings per share were $1.47 compared with $1.12 a year earlier.",
    "We are exposed to foreign currency risk from our international operations.",
};

BertConfig tinyConfig(std::int64_t vocabularySize) {
  BertConfig config;
  config.vocabSize = vocabularySize;
  config.hiddenSize = 32;
  config.layers = 2;
  config.heads = 4;
  config.intermediateSize = 64;
  config.maxPositions = 64;
  config.maxSequenceLength = 64;
  config.layerNormEps = 1e-5; // torch::nn::TransformerEncoderLayer's LayerNorm epsilon
  config.hiddenAct = "gelu";
  config.pooling = Pooling::Mean;
  return config;
}

std::shared_ptr<StudentModel> tinyModel(std::uint64_t seed = 7) {
  text::WordPieceTokenizer tokenizer(text::learnWordPieceVocabulary(kTexts, 300));
  auto config = tinyConfig(tokenizer.vocabularySize());
  auto model = StudentModel::createRandom(config, std::move(tokenizer), seed);
  // Non-trivial biases and norms so that every tensor matters in the comparison.
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed + 1);
  for (auto& tensor : model->parameters())
    if (tensor.dim() == 1)
      tensor.add_(torch::randn(tensor.sizes(), generator, torch::kFloat32) * 0.1);
  return model;
}

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void writeText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Writes a safetensors file by hand (any dtype), independent of the writer under test.
void writeRawSafetensors(
    const std::filesystem::path& path,
    const std::vector<std::tuple<std::string, std::string, std::vector<std::int64_t>, std::string>>&
        tensors) { // name, dtype, shape, bytes
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, dtype, shape, bytes] : tensors) {
    header[name] = {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {data.size(), data.size() + bytes.size()}}};
    data += bytes;
  }
  const std::string text = header.dump();
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  writeText(path, length + text + data);
}

std::string tensorBytes(const torch::Tensor& tensor) {
  const auto contiguous = tensor.contiguous();
  return std::string(static_cast<const char*>(contiguous.data_ptr()), contiguous.numel() * contiguous.element_size());
}

template <typename Function> QString inputErrorOf(Function&& function) {
  try {
    function();
  } catch (const InputError& e) {
    return QString::fromUtf8(e.what());
  }
  return QString();
}

} // namespace

class TestModelEncoder : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::filesystem::path root() const { return dir_.path().toStdString(); }

private slots:
  void initTestCase() { torch::set_num_threads(1); } // tiny models: threads only add synchronisation

  // The same network built from torch::nn::TransformerEncoderLayer, with the weights read back from the
  // saved safetensors file in HF naming: the hand-written forward must match it within 1e-4.
  void matchesTransformerEncoderLayerReference() {
    auto model = tinyModel();
    const auto directory = root() / "reference";
    model->save(directory);
    const auto loaded = StudentModel::load(directory);
    const auto file = SafetensorsFile::read(directory / "model.safetensors");
    auto weight = [&](const std::string& name) {
      const auto& entry = file.entry(name);
      auto values = file.toFloat32(name);
      return torch::from_blob(values.data(), entry.shape, torch::kFloat32).clone();
    };
    const auto& config = loaded->config();
    std::vector<torch::nn::TransformerEncoderLayer> layers;
    torch::NoGradGuard noGrad;
    for (std::int64_t i = 0; i < config.layers; ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      torch::nn::TransformerEncoderLayer layer(
          torch::nn::TransformerEncoderLayerOptions(config.hiddenSize, config.heads)
              .dim_feedforward(config.intermediateSize)
              .dropout(0.0)
              .activation(torch::kGELU));
      layer->eval();
      layer->self_attn->in_proj_weight.copy_(
          torch::cat({weight(p + "attention.self.query.weight"), weight(p + "attention.self.key.weight"),
                      weight(p + "attention.self.value.weight")}));
      layer->self_attn->in_proj_bias.copy_(
          torch::cat({weight(p + "attention.self.query.bias"), weight(p + "attention.self.key.bias"),
                      weight(p + "attention.self.value.bias")}));
      layer->self_attn->out_proj->weight.copy_(weight(p + "attention.output.dense.weight"));
      layer->self_attn->out_proj->bias.copy_(weight(p + "attention.output.dense.bias"));
      layer->norm1->weight.copy_(weight(p + "attention.output.LayerNorm.weight"));
      layer->norm1->bias.copy_(weight(p + "attention.output.LayerNorm.bias"));
      layer->linear1->weight.copy_(weight(p + "intermediate.dense.weight"));
      layer->linear1->bias.copy_(weight(p + "intermediate.dense.bias"));
      layer->linear2->weight.copy_(weight(p + "output.dense.weight"));
      layer->linear2->bias.copy_(weight(p + "output.dense.bias"));
      layer->norm2->weight.copy_(weight(p + "output.LayerNorm.weight"));
      layer->norm2->bias.copy_(weight(p + "output.LayerNorm.bias"));
      layers.push_back(layer);
    }
    torch::nn::LayerNorm embeddingNorm(torch::nn::LayerNormOptions({config.hiddenSize}).eps(config.layerNormEps));
    embeddingNorm->weight.copy_(weight("embeddings.LayerNorm.weight"));
    embeddingNorm->bias.copy_(weight("embeddings.LayerNorm.bias"));

    const auto batch = loaded->tokenizer().encodeBatch(kTexts, 64); // different lengths: padding is exercised
    QVERIFY(batch.realTokens < batch.rows * batch.columns);
    const auto ids = torch::tensor(batch.ids).view({batch.rows, batch.columns});
    const auto mask = torch::tensor(batch.attentionMask).view({batch.rows, batch.columns});
    auto x = torch::embedding(weight("embeddings.word_embeddings.weight"), ids) +
             weight("embeddings.position_embeddings.weight").narrow(0, 0, batch.columns).unsqueeze(0) +
             weight("embeddings.token_type_embeddings.weight")[0];
    x = embeddingNorm(x).transpose(0, 1); // [length, batch, hidden]
    const auto padding = mask.eq(0);
    for (auto& layer : layers)
      x = layer->forward(x, /*src_mask=*/torch::Tensor(), padding);
    x = x.transpose(0, 1);
    const auto m = mask.to(torch::kFloat32).unsqueeze(-1);
    const auto expected = torch::nn::functional::normalize((x * m).sum(1) / m.sum(1),
                                                           torch::nn::functional::NormalizeFuncOptions().dim(1));

    const auto actual = loaded->embed(kTexts, TextRole::Passage, false, 64);
    const double maxDiff = (actual - expected).abs().max().item<double>();
    qInfo("reference max abs diff: %.3g", maxDiff);
    QVERIFY2(maxDiff < 1e-4, qPrintable(QString("max abs diff %1").arg(maxDiff)));
    // Hidden states too, not only the pooled vector.
    const auto hidden = loaded->forward(ids, mask, false);
    const double hiddenDiff = ((hidden - x).abs() * m).max().item<double>();
    QVERIFY2(hiddenDiff < 1e-4, qPrintable(QString("hidden max abs diff %1").arg(hiddenDiff)));
  }

  void reloadIsBitExactAndExportLayoutComplete() {
    auto model = tinyModel(11);
    model->mutableConfig().queryPrefix = "query: ";
    model->mutableConfig().passagePrefix = "passage: ";
    const auto directory = root() / "export";
    model->save(directory);
    for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                             "special_tokens_map.json", "modules.json", "1_Pooling/config.json",
                             "sentence_bert_config.json", "config_sentence_transformers.json"})
      QVERIFY2(std::filesystem::exists(directory / file), file);
    const auto modules = nlohmann::json::parse(readText(directory / "modules.json"));
    QCOMPARE(modules.size(), std::size_t(3));
    QCOMPARE(modules[1]["type"].get<std::string>(), std::string("sentence_transformers.models.Pooling"));

    const auto reloaded = StudentModel::load(directory);
    QCOMPARE(reloaded->config().queryPrefix, std::string("query: "));
    QCOMPARE(reloaded->config().passagePrefix, std::string("passage: "));
    QCOMPARE(reloaded->namedParameters().size(), model->namedParameters().size());
    for (std::size_t i = 0; i < model->namedParameters().size(); ++i) {
      QCOMPARE(reloaded->namedParameters()[i].first, model->namedParameters()[i].first);
      QVERIFY2(torch::equal(reloaded->namedParameters()[i].second, model->namedParameters()[i].second),
               model->namedParameters()[i].first.c_str());
    }
    QVERIFY(
        torch::equal(reloaded->embed(kTexts, TextRole::Query, false), model->embed(kTexts, TextRole::Query, false)));
    // Prefixes are applied: the same text embeds differently as query and passage.
    QVERIFY(!torch::allclose(model->embed({kTexts[0]}, TextRole::Query, false),
                             model->embed({kTexts[0]}, TextRole::Passage, false)));
  }

  void loadsHalfAndBrainFloatWeights() {
    auto model = tinyModel(3);
    const auto directory = root() / "half";
    model->save(directory);
    for (const auto dtype : {torch::kFloat16, torch::kBFloat16}) {
      std::vector<std::tuple<std::string, std::string, std::vector<std::int64_t>, std::string>> tensors;
      auto rounded = model->clone();
      torch::NoGradGuard noGrad;
      for (std::size_t i = 0; i < model->namedParameters().size(); ++i) {
        const auto& [name, tensor] = model->namedParameters()[i];
        const auto half = tensor.detach().to(dtype);
        tensors.emplace_back(name, dtype == torch::kFloat16 ? "F16" : "BF16", tensor.sizes().vec(), tensorBytes(half));
        rounded->namedParameters()[i].second.copy_(half.to(torch::kFloat32));
      }
      writeRawSafetensors(directory / "model.safetensors", tensors);
      const auto loaded = StudentModel::load(directory);
      for (std::size_t i = 0; i < rounded->namedParameters().size(); ++i)
        QVERIFY(torch::equal(loaded->namedParameters()[i].second, rounded->namedParameters()[i].second));
    }
    // Known bit patterns: F16 1.0, -2.0, smallest subnormal; BF16 1.0, -0.5.
    const std::string f16("\x00\x3c\x00\xc0\x01\x00", 6), bf16("\x80\x3f\x00\xbf", 4);
    writeRawSafetensors(root() / "values.safetensors", {{"a", "F16", {3}, f16}, {"b", "BF16", {2}, bf16}});
    const auto file = SafetensorsFile::read(root() / "values.safetensors");
    const auto a = file.toFloat32("a"), b = file.toFloat32("b");
    QCOMPARE(a[0], 1.0f);
    QCOMPARE(a[1], -2.0f);
    QCOMPARE(a[2], std::ldexp(1.0f, -24));
    QCOMPARE(b[0], 1.0f);
    QCOMPARE(b[1], -0.5f);
  }

  void rejectsBrokenModelFiles() {
    auto model = tinyModel(5);
    const auto good = root() / "good";
    model->save(good);
    const auto weights = readText(good / "model.safetensors");
    auto variant = [&](const std::string& name) {
      const auto directory = root() / name;
      std::filesystem::remove_all(directory);
      std::filesystem::copy(good, directory, std::filesystem::copy_options::recursive);
      return directory;
    };

    auto truncated = variant("truncated");
    writeText(truncated / "model.safetensors", weights.substr(0, weights.size() - 100));
    QVERIFY(!inputErrorOf([&] { StudentModel::load(truncated); }).isEmpty());
    writeText(truncated / "model.safetensors", weights.substr(0, 5));
    QVERIFY(inputErrorOf([&] { StudentModel::load(truncated); }).contains("truncated"));

    // A header whose offsets lie: shift one tensor's end past the data.
    auto lying = variant("lying");
    const std::uint64_t headerLength = *reinterpret_cast<const std::uint64_t*>(weights.data());
    auto header = nlohmann::json::parse(weights.substr(8, headerLength));
    header["embeddings.LayerNorm.bias"]["data_offsets"][1] = 999999999;
    {
      const std::string text = header.dump();
      std::string length(8, '\0');
      for (int i = 0; i < 8; ++i)
        length[i] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
      writeText(lying / "model.safetensors", length + text + weights.substr(8 + headerLength));
    }
    QVERIFY(inputErrorOf([&] { StudentModel::load(lying); }).contains("embeddings.LayerNorm.bias"));

    // Shape mismatch, missing and extra tensors, named in the message.
    std::vector<std::tuple<std::string, std::string, std::vector<std::int64_t>, std::string>> tensors;
    for (const auto& [name, tensor] : model->namedParameters())
      tensors.emplace_back(name, "F32", tensor.sizes().vec(), tensorBytes(tensor.detach()));
    auto mismatched = variant("mismatched");
    auto changed = tensors;
    std::get<2>(changed[1]) = {std::get<2>(changed[1])[0] / 2, 64}; // same bytes, different shape
    writeRawSafetensors(mismatched / "model.safetensors", changed);
    QVERIFY(inputErrorOf([&] {
              StudentModel::load(mismatched);
            }).contains(QString::fromStdString(std::get<0>(changed[1]))));
    auto missing = variant("missing");
    auto fewer = tensors;
    const auto missingName = std::get<0>(fewer.back());
    fewer.pop_back();
    writeRawSafetensors(missing / "model.safetensors", fewer);
    const auto missingError = inputErrorOf([&] { StudentModel::load(missing); });
    QVERIFY2(missingError.contains("missing") && missingError.contains(QString::fromStdString(missingName)),
             qPrintable(missingError));
    auto extra = variant("extra");
    auto more = tensors;
    more.emplace_back("encoder.layer.9.output.dense.bias", "F32", std::vector<std::int64_t>{32},
                      std::string(32 * 4, '\0'));
    writeRawSafetensors(extra / "model.safetensors", more);
    QVERIFY(inputErrorOf([&] { StudentModel::load(extra); }).contains("encoder.layer.9.output.dense.bias"));

    // Another architecture; a tokenizer of another type.
    auto roberta = variant("roberta");
    auto config = nlohmann::json::parse(readText(good / "config.json"));
    config["model_type"] = "roberta";
    writeText(roberta / "config.json", config.dump());
    QVERIFY(inputErrorOf([&] { StudentModel::load(roberta); }).contains("model_type"));
    auto bpe = variant("bpe");
    writeText(bpe / "tokenizer.json", R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})");
    QVERIFY(inputErrorOf([&] { StudentModel::load(bpe); }).contains("model.type"));
  }

  void encodeSortsBatchesStreamsAndStops() {
    auto model = tinyModel(9);
    std::vector<std::string> texts = kTexts;
    texts.push_back("");                                               // empty text embeds
    texts.push_back(std::string(5000, 'x') + " revenue " + kTexts[0]); // over-long text is truncated
    auto encoder = makeTextEncoder(model);
    EncodeStatistics statistics;
    EncodeOptions options;
    options.batchSize = 3;
    options.maxLength = 32;
    options.statistics = &statistics;
    const auto rows = encoder->encode(texts, TextRole::Passage, options);
    QCOMPARE(rows.size(), texts.size() * 32);
    const auto direct = model->embed(texts, TextRole::Passage, false, 32);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      double norm = 0;
      for (int d = 0; d < 32; ++d) {
        norm += rows[i * 32 + d] * rows[i * 32 + d];
        QVERIFY(std::abs(rows[i * 32 + d] - direct[i][d].item<float>()) < 1e-5);
      }
      QVERIFY(std::abs(norm - 1.0) < 1e-4);
    }
    QCOMPARE(statistics.texts, std::int64_t(texts.size()));
    QVERIFY(statistics.paddingRatio() >= 1.0 && statistics.paddingRatio() < 1.5);

    std::vector<std::size_t> seen;
    options.rowSink = [&](std::size_t index, const float*) { seen.push_back(index); };
    QVERIFY(encoder->encode(texts, TextRole::Passage, options).empty());
    std::sort(seen.begin(), seen.end());
    QCOMPARE(seen.size(), texts.size());
    QCOMPARE(seen.back(), texts.size() - 1);

    std::stop_source stop;
    stop.request_stop();
    options.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(Cancelled, encoder->encode(texts, TextRole::Passage, options));
  }

  void cloneIsIndependentAndTrainingLoopLearns() {
    auto model = tinyModel(13);
    auto base = model->clone();
    TrainingSchedule schedule;
    schedule.totalSteps = 15;
    schedule.learningRate = 3e-3;
    TrainingLoop loop(model->parameters(), schedule);
    const std::vector<std::string> queries{"revenue cloud services", "repurchased shares", "cash from operations",
                                           "goodwill impairment"};
    const std::vector<std::string> passages{kTexts[0], kTexts[2], kTexts[3], kTexts[4]};
    double first = 0, last = 0;
    const auto targets = torch::arange(4, torch::kInt64);
    for (int step = 0; step < 15; ++step) {
      const auto similarities = torch::matmul(model->embed(queries, TextRole::Query, true),
                                              model->embed(passages, TextRole::Passage, true).t());
      last = loop.step(torch::nn::functional::cross_entropy(similarities / 0.05, targets));
      if (step == 0)
        first = last;
    }
    QVERIFY2(last < first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    QVERIFY(loop.learningRateAt(0) < loop.learningRateAt(2));  // warm-up
    QVERIFY(loop.learningRateAt(14) < loop.learningRateAt(5)); // decay
    // The clone kept the weights from before training.
    QVERIFY(!torch::equal(base->namedParameters()[0].second, model->namedParameters()[0].second));
    QVERIFY(torch::equal(base->namedParameters()[0].second, tinyModel(13)->namedParameters()[0].second));
  }

  // Training embeds a batch in length buckets (a short query does not pay for the longest passage): the pooled rows
  // must come back in the caller's order, each as if it had been embedded alone, with the graph intact.
  void lengthBucketsKeepTheCallersOrder() {
    auto model = tinyModel(11);
    model->mutableConfig().hiddenDropout = 0; // deterministic rows: the comparison is of the arithmetic
    model->mutableConfig().attentionDropout = 0;
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < 40; ++i) // 40 rows: three buckets, lengths interleaved
      texts.push_back(i % 3 == 0 ? kTexts[i % kTexts.size()]
                                 : kTexts[i % kTexts.size()] + " " + kTexts[(i + 3) % kTexts.size()]);
    const auto together = model->embed(texts, TextRole::Passage, true, 64);
    QVERIFY(together.requires_grad());
    QCOMPARE(together.size(0), std::int64_t(texts.size()));
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto alone = model->embed({texts[i]}, TextRole::Passage, true, 64);
      const float difference = (together[static_cast<std::int64_t>(i)] - alone[0]).abs().max().item<float>();
      QVERIFY2(difference < 1e-5, qPrintable(QString("row %1 differs by %2").arg(i).arg(difference)));
    }
    together.sum().backward();
    QVERIFY(model->namedParameters().back().second.grad().defined());
  }

  // encode() runs its own inference path (fused Q/K/V with the score scale folded in, products over all tokens);
  // at the size users bring (6 x 384, 12 heads) and real lengths it must give the training path's embeddings.
  void inferencePathMatchesTheTrainingPathAtBertSmallSize() {
    text::WordPieceTokenizer tokenizer(text::learnWordPieceVocabulary(kTexts, 300));
    auto config = test::bertSmallConfig(tokenizer.vocabularySize());
    config.pooling = Pooling::Mean;
    auto model = StudentModel::createRandom(config, tokenizer, 31);
    {
      torch::NoGradGuard noGrad;
      auto generator = at::detail::createCPUGenerator(32);
      for (auto& tensor : model->parameters())
        if (tensor.dim() == 1)
          tensor.add_(torch::randn(tensor.sizes(), generator, torch::kFloat32) * 0.1);
    }
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < 9; ++i) {
      std::string text;
      for (std::size_t j = 0; j <= i * 2; ++j)
        text += kTexts[(i + j) % kTexts.size()] + " ";
      texts.push_back(text); // 15 to about 250 tokens
    }
    EncodeOptions options;
    options.batchSize = 4;
    options.maxLength = 256;
    const auto rows = model->encode(texts, TextRole::Passage, options);
    const auto reference = model->embed(texts, TextRole::Passage, false, 256);
    const auto fast = torch::from_blob(const_cast<float*>(rows.data()), reference.sizes(), torch::kFloat32);
    const float difference = (fast - reference).abs().max().item<float>();
    QVERIFY2(difference < 1e-4, qPrintable(QString("max abs difference %1").arg(difference)));
  }

  // The default student's warm start trains through embedTokenBags, so it must be the full forward of a model
  // without layers (to float rounding) and refuse the models where the two would differ.
  void tokenBagsEqualTheFullForward() {
    text::WordPieceTokenizer tokenizer(text::learnWordPieceVocabulary(kTexts, 300));
    auto config = tinyConfig(tokenizer.vocabularySize());
    config.layers = 0;
    auto model = StudentModel::createRandom(config, tokenizer, 21);
    {
      torch::NoGradGuard noGrad;
      auto generator = at::detail::createCPUGenerator(22);
      for (auto& [name, tensor] : model->namedParameters())
        if (name == "embeddings.position_embeddings.weight")
          tensor.zero_();
        else // the type row, the norm's weight and bias: every tensor on the path matters
          tensor.add_(torch::randn(tensor.sizes(), generator, torch::kFloat32) * 0.1);
    }
    std::vector<std::vector<std::int64_t>> rows;
    for (const auto& text : kTexts)
      rows.push_back(model->tokenizer().encodeIds(text, 64));
    rows.push_back(model->tokenizer().encodeIds("", 64)); // [CLS] [SEP] only
    rows.push_back(rows[0]);                              // repeated rows and tokens count as often as they occur
    const auto bags = model->embedTokenBags(rows);
    const auto full = model->embedTokenized(rows, false);
    QCOMPARE(bags.sizes(), full.sizes());
    QVERIFY2((bags - full).abs().max().item<float>() < 1e-5,
             qPrintable(QString::number((bags - full).abs().max().item<float>())));
    bags.sum().backward();
    const auto& words = model->namedParameters()[0];
    QCOMPARE(QString::fromStdString(words.first), QString("embeddings.word_embeddings.weight"));
    QVERIFY(words.second.grad().defined() && words.second.grad().abs().sum().item<float>() > 0);

    {
      torch::NoGradGuard noGrad;
      model->namedParameters()[1].second[3][0] = 0.5f; // a position embedding
    }
    QVERIFY_THROWS_EXCEPTION(Error, model->embedTokenBags(rows));
    QVERIFY_THROWS_EXCEPTION(Error, tinyModel()->embedTokenBags(rows)); // has layers
  }

  // The default student: the passage marker, a warm start that learns, the same bytes on every run.
  void defaultStudentImitatesBm25Deterministically() {
    std::vector<std::string> passages;
    for (int i = 0; i < 3; ++i)
      for (const auto& text : kTexts)
        passages.push_back(text + " (note " + std::to_string(i) + ")");
    DefaultStudentOptions options;
    options.hiddenSize = 64;
    options.heads = 4; // unused without layers, but the config must be valid
    options.vocabularySize = 400;
    options.batchSize = 8;
    options.steps = 40;
    const auto first = trainDefaultStudent(passages, root() / "student-a", options);
    const auto second = trainDefaultStudent(passages, root() / "student-b", options);
    QCOMPARE(first.steps, std::int64_t(40));
    QVERIFY2(first.lastLoss < first.firstLoss,
             qPrintable(QString("loss %1 -> %2").arg(first.firstLoss).arg(first.lastLoss)));
    QCOMPARE(readText(root() / "student-a" / "model.safetensors"),
             readText(root() / "student-b" / "model.safetensors"));

    auto student = StudentModel::load(root() / "student-a");
    QCOMPARE(student->config().layers, std::int64_t(0));
    QCOMPARE(student->config().passagePrefix, std::string(kPassageMarker) + " ");
    QCOMPARE(student->config().queryPrefix, std::string());
    const auto marker = student->tokenizer().tokenId(kPassageMarker);
    QVERIFY(marker >= 0);
    QCOMPARE(student->tokenizer().encodeIds(student->applyPrefix("revenue", TextRole::Passage)).size(), std::size_t(4));
    // A query of a passage's own words finds that passage (or one of its copies) first.
    auto encoder = makeTextEncoder(student);
    const auto rows = encoder->encode(passages, TextRole::Passage);
    const auto query = encoder->encode({"repurchased million shares of common stock"}, TextRole::Query);
    std::size_t best = 0;
    double bestScore = -2;
    for (std::size_t p = 0; p < passages.size(); ++p) {
      const double score = std::inner_product(query.begin(), query.end(), rows.begin() + std::ptrdiff_t(p * 64), 0.0);
      if (score > bestScore)
        bestScore = score, best = p;
    }
    QCOMPARE(best % kTexts.size(), std::size_t(2));

    options.layers = 1;
    QVERIFY(inputErrorOf([&] { trainDefaultStudent(passages, root() / "student-c", options); }).contains("layers"));
    QVERIFY(inputErrorOf([&] {
              trainDefaultStudent({"", " "}, root() / "student-c", DefaultStudentOptions{});
            }).contains("passages"));
  }

  void defaultStudentIsTrainedOnceAndRegistered() {
    const auto storePath = root() / "experiment.db";
    auto store = store::Store::open(storePath, store::OpenMode::CreateNew);
    store.exec("INSERT INTO corpora(id, name, created_at) VALUES (1, 'demo', '2026-01-01T00:00:00Z');"
               "INSERT INTO documents(id, corpus_id, content_hash, imported_at) VALUES (1, 1, 'h', '2026');");
    auto insert = store.prepare("INSERT INTO passages(document_id, corpus_id, record_key, ordinal, text, token_count, "
                                "content_hash) VALUES (1, 1, ?1, ?2, ?3, 10, ?1)");
    for (int i = 0; i < 24; ++i) {
      insert.bind(1, "p" + std::to_string(i)).bind(2, i).bind(3, kTexts[i % kTexts.size()] + " " + std::to_string(i));
      insert.run();
    }
    EncoderContext context;
    context.store = &store;
    context.corpus = "demo";
    int progressCalls = 0;
    context.progress = [&](const Progress&) { ++progressCalls; };
    const auto directory = resolveModelDirectory("default", context);
    QVERIFY(std::filesystem::exists(directory / "model.safetensors"));
    QVERIFY(directory.string().find(storePath.string() + ".models") == 0);
    QVERIFY(progressCalls > 0);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM models WHERE kind = 'default'"), std::int64_t(1));
    const auto modified = std::filesystem::last_write_time(directory / "model.safetensors");

    progressCalls = 0;
    auto encoder = openEncoder("default", context); // reused, not retrained
    QCOMPARE(progressCalls, 0);
    QCOMPARE(std::filesystem::last_write_time(directory / "model.safetensors"), modified);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM models"), std::int64_t(1));
    QVERIFY(encoder->dimension() > 0);

    const auto id = store.queryInt64("SELECT id FROM models");
    QCOMPARE(openEncoder("model:" + std::to_string(id), context)->dimension(), encoder->dimension());
    QVERIFY(inputErrorOf([&] { openEncoder("model:999", context); }).contains("999"));
    QVERIFY(inputErrorOf([&] { openEncoder("/no/such/model", context); }).contains("/no/such/model"));
    EncoderContext noCorpus;
    noCorpus.store = &store;
    noCorpus.corpus = "missing";
    QVERIFY(inputErrorOf([&] { openEncoder("default", noCorpus); }).contains("missing"));
  }
};

QTEST_GUILESS_MAIN(TestModelEncoder)
#include "test_model_encoder.moc"
