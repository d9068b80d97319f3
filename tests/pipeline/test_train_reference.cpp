// One training step's gradients against an independent peer: the same batch (queries, lists, teacher scores,
// positives, excluded rows), the same weights and the default loss (listwise KL + InfoNCE), computed by Distillery's
// trainer (batchLoss: length buckets, fused QKV, the loss functions) and by PyTorch from Python written the way a
// Hugging Face user writes it (tests/bench/reference_train_step.py: one padded batch, separate Q/K/V). Every
// parameter's gradient must agree within 1e-4. Skipped, with a message, when Debian's python3-torch is absent.
// libtorch first: Qt's keyword macros (slots, signals) clash with its headers.
#include <torch/torch.h>

#include "core/model/Safetensors.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/StudentTrainer.h"
#include "tests/support/ReferenceTrainStep.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>

using namespace distillery;
using namespace distillery::model;
using namespace distillery::pipeline;

namespace {

const std::vector<std::string> kQueries{
    "What was revenue growth in fiscal 2023?",
    "How much cash did operations provide?",
    "Which covenants limit the credit facility?",
};

// Lengths from 4 to about 60 tokens, so that the passages fall into length buckets of different widths.
std::string passageText(std::size_t q, std::size_t i) {
  static const std::vector<std::string> words{"revenue",  "increased",  "cash",       "operating", "facility",
                                              "covenant", "repurchase", "impairment", "goodwill",  "quarter",
                                              "diluted",  "earnings",   "currency",   "risk",      "expenses"};
  std::string text;
  const std::size_t length = 3 + (q * 11 + i * 7) % 45;
  for (std::size_t w = 0; w < length; ++w)
    text += (w ? " " : "") + words[(q * 5 + i * 3 + w * w) % words.size()];
  return text;
}

std::vector<TrainingExample> batchOf(std::size_t listSize) {
  std::vector<TrainingExample> examples;
  for (std::size_t q = 0; q < kQueries.size(); ++q) {
    TrainingExample example;
    example.query = kQueries[q];
    for (std::size_t i = 0; i < listSize; ++i) {
      example.passages.push_back(passageText(q, i));
      const double score = static_cast<double>((q + 3 * i) % 4);
      example.teacherScores.push_back(score);
      if (score == 3)
        example.positives.push_back(i);
      else if (score == 2)
        example.excluded.push_back(i);
      else
        example.negatives.push_back(i);
    }
    examples.push_back(example);
  }
  return examples;
}

std::vector<std::string> vocabularyTexts() {
  std::vector<std::string> texts(kQueries);
  for (std::size_t q = 0; q < kQueries.size(); ++q)
    for (std::size_t i = 0; i < 8; ++i)
      texts.push_back(passageText(q, i));
  return texts;
}

std::shared_ptr<StudentModel> smallStudent() {
  text::WordPieceTokenizer tokenizer(text::learnWordPieceVocabulary(vocabularyTexts(), 200));
  BertConfig config;
  config.vocabSize = tokenizer.vocabularySize();
  config.hiddenSize = 48;
  config.layers = 2;
  config.heads = 4;
  config.intermediateSize = 96;
  config.maxPositions = 128;
  config.maxSequenceLength = 128;
  config.hiddenDropout = 0; // both sides deterministic: the comparison is of the arithmetic, not of random masks
  config.attentionDropout = 0;
  config.queryPrefix = "query: ";
  auto model = StudentModel::createRandom(config, std::move(tokenizer), 5);
  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(6);
  for (auto& tensor : model->parameters()) // non-trivial biases and norms: every tensor's gradient matters
    if (tensor.dim() == 1)
      tensor.add_(torch::randn(tensor.sizes(), generator, torch::kFloat32) * 0.1);
  return model;
}

} // namespace

class TrainReferenceTest : public QObject {
  Q_OBJECT

private slots:
  void gradientsMatchThePyTorchPeer();
};

void TrainReferenceTest::gradientsMatchThePyTorchPeer() {
  if (const auto reason = test::referenceUnavailable(); !reason.empty())
    QSKIP(reason.c_str());
  QTemporaryDir dir;
  const std::filesystem::path root = dir.path().toStdString();
  auto student = smallStudent();
  student->save(root / "model");

  TrainingConfig config;            // the default loss: listwise KL plus 0.1 x InfoNCE
  const auto examples = batchOf(7); // 21 passages: more than one length bucket
  std::vector<const TrainingExample*> batch;
  for (const auto& example : examples)
    batch.push_back(&example);
  const auto loss = batchLoss(*student, batch, config, 3.0);
  QVERIFY(loss.defined() && loss.requires_grad());
  loss.backward();

  test::writeJson(root / "step.json", test::referenceStepFile(*student, examples, config, 3.0));
  const auto command = std::string(test::kReferencePython) + " " + test::referenceScript().string() + " --model " +
                       (root / "model").string() + " --step " + (root / "step.json").string() + " --gradients " +
                       (root / "grads.safetensors").string() + " > " + (root / "reference.json").string();
  QCOMPARE(std::system(command.c_str()), 0);
  const auto reference = SafetensorsFile::read(root / "grads.safetensors");
  std::ifstream referenceOut(root / "reference.json");
  const double referenceLoss = nlohmann::json::parse(referenceOut)["loss"].get<double>();
  QVERIFY2(std::abs(referenceLoss - loss.item<double>()) < 1e-5,
           qPrintable(QStringLiteral("loss %1 vs the peer's %2").arg(loss.item<double>()).arg(referenceLoss)));

  double largest = 0;
  for (const auto& [name, parameter] : student->namedParameters()) {
    QVERIFY2(reference.contains(name), name.c_str());
    const auto values = reference.toFloat32(name);
    const auto theirs = torch::from_blob(const_cast<float*>(values.data()), parameter.sizes(), torch::kFloat32);
    QVERIFY2(parameter.grad().defined(), name.c_str());
    const double difference = (parameter.grad() - theirs).abs().max().item<double>();
    QVERIFY2(
        difference < 1e-4,
        qPrintable(QStringLiteral("%1: gradients differ by %2").arg(QString::fromStdString(name)).arg(difference)));
    largest = std::max(largest, theirs.abs().max().item<double>());
  }
  QVERIFY2(largest > 1e-3, "the reference's gradients are all near zero: the comparison would prove nothing");
}

QTEST_GUILESS_MAIN(TrainReferenceTest)
#include "test_train_reference.moc"
