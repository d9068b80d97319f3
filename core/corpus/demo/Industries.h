#pragma once
// The industries the demo's fictional registrants belong to: what each sells, to whom, what it risks, and the
// range of its numbers. Company i is in industry i modulo the table's size.
#include <string>
#include <vector>

namespace distillery::corpus::demo {

struct IndustryRisk {
  std::string topic;    // short key: "foundry", "export"; queries ask for "<topic> risk"
  std::string sentence; // the risk factor as the 10-K states it
};

struct Industry {
  std::string nameSuffix;  // after the company's stem: "Semiconductor, Inc." -> "Northwind Semiconductor, Inc."
  std::string description; // "<company> designs and sells ..." in the business overview
  std::vector<std::string> products; // three; products[0] and [1] are named in risk factors and MD&A
  std::vector<std::string> segments; // the three reportable segments
  std::string customers;             // "and serve <customers>"
  std::string inputs;                // what the supplier risk factor says the company buys
  std::vector<IndustryRisk> risks;   // two industry-specific risk factors
  double revenueLowMillions = 0;     // $ millions: first-year revenue is drawn from [low, high]
  double revenueHighMillions = 0;    // $ millions
  double grossMarginPercent = 0;     // percent of revenue, before each period's +-3 points of noise
  double rndShareOfRevenue = 0;      // fraction of revenue spent on R&D (0: none reported)
};

/// The ten industries, in the order companies are assigned to them.
const std::vector<Industry>& industries();

} // namespace distillery::corpus::demo
