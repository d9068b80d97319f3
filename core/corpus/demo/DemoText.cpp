#include "core/corpus/demo/DemoText.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace distillery::corpus::demo {
namespace {

const std::map<std::string, std::vector<std::string>>& synonyms() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"revenue", {"revenue", "net sales", "total revenues", "net revenue", "sales"}},
      {"net income", {"net income", "net earnings", "profit", "earnings"}},
      {"operating income", {"operating income", "income from operations", "operating profit"}},
      {"gross margin", {"gross margin", "gross profit margin", "gross margin percentage"}},
      {"cash", {"cash and cash equivalents", "cash on hand", "cash balances", "liquidity"}},
      {"debt", {"long-term debt", "total borrowings", "outstanding debt", "notes payable"}},
      {"credit facility", {"revolving credit facility", "credit agreement", "revolver", "credit line"}},
      {"buyback", {"share repurchase program", "stock buyback program", "repurchase authorization", "buyback"}},
      {"dividend", {"quarterly cash dividend", "dividend", "cash dividend", "dividend payment"}},
      {"capex", {"capital expenditures", "capex", "purchases of property and equipment", "capital spending"}},
      {"rnd", {"research and development expenses", "R&D spending", "research and development costs", "R&D"}},
      {"employees", {"employees", "full-time employees", "workforce", "headcount", "staff"}},
      {"increase", {"increased", "rose", "grew", "was up"}},
      {"decrease", {"decreased", "declined", "fell", "was down"}},
      {"ceo", {"Chief Executive Officer", "CEO", "chief executive"}},
      {"cfo", {"Chief Financial Officer", "CFO", "finance chief"}},
      {"total pay", {"total compensation", "total pay", "compensation", "pay package"}},
      {"audit fees", {"audit fees", "fees billed by the independent auditor", "auditor fees"}},
      {"eps", {"diluted earnings per share", "diluted EPS", "earnings per diluted share"}},
      {"acquisition", {"acquisition", "purchase", "takeover", "acquired business"}},
      {"lawsuit", {"lawsuit", "litigation", "legal proceeding", "complaint"}},
      {"ipo price", {"initial public offering price", "IPO price", "offering price"}},
      {"proceeds", {"net proceeds", "proceeds from the offering", "offering proceeds"}},
      {"underwriters", {"underwriters", "underwriting syndicate", "bookrunning managers"}},
      {"dilution", {"dilution", "immediate dilution", "dilution per share"}},
      {"pay ratio", {"CEO pay ratio", "pay ratio", "ratio of CEO pay to median employee pay"}},
      {"directors", {"directors", "board members", "board"}},
      {"segment", {"segment", "business unit", "reportable segment", "division"}},
  };
  return table;
}

} // namespace

std::string syn(Rng& rng, const std::string& key) {
  return rng.choose(synonyms().at(key));
}

// $312.4 million, $4.27 billion.
std::string money(double millions) {
  if (std::fabs(millions) >= 1000)
    return "$" + fixed(millions / 1000, 2) + " billion";
  return "$" + fixed(millions, 1) + " million";
}

std::string tableMoney(double millions) {
  const long long rounded = std::llround(millions);
  return rounded < 0 ? "(" + withCommas(-rounded) + ")" : "$" + withCommas(rounded);
}

std::string capitalised(std::string s) {
  if (!s.empty())
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string percent(double value, int decimals) {
  return fixed(value, decimals) + "%";
}

} // namespace distillery::corpus::demo
