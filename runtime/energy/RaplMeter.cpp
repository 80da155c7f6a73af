//===- RaplMeter.cpp - RAPL energy counters through powercap sysfs --------===//
//
// Reads the package and DRAM domains of Intel (intel-rapl) or AMD (amd-rapl)
// RAPL under /sys/class/powercap. core, uncore and psys zones are skipped on
// purpose: core and uncore are already inside their package, and psys (the
// whole SoC/platform) overlaps the package, so adding any of them would count
// the same joules twice.
//
// Each counter (energy_uj) is cumulative and wraps at max_energy_range_uj.
// A wrap between two reads is undone once; two wraps cannot be told apart
// from one, so reads must come more often than the wrap period (minutes to
// hours, depending on the range and the power). The runtime reads once per
// window of about a second, far inside that.
//
//===----------------------------------------------------------------------===//

#include "runtime/energy/EnergyMeter.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

using namespace sweep;

namespace {

/// One powercap zone: "intel-rapl:0" is package 0, "intel-rapl:0:1" its
/// subzone 1.
struct ZoneId {
  std::string prefix; ///< "intel-rapl" or "amd-rapl".
  unsigned package = 0;
  int sub = -1; ///< -1 for the package zone itself.
  std::string name() const {
    std::string text = prefix + ":" + std::to_string(package);
    return sub < 0 ? text : text + ":" + std::to_string(sub);
  }
  bool operator<(const ZoneId &other) const {
    // Packages in numeric order, each followed by its subzones.
    if (prefix != other.prefix)
      return prefix < other.prefix;
    if (package != other.package)
      return package < other.package;
    return sub < other.sub;
  }
};

/// A counter being read: its zone, its files and the last value seen.
struct Domain {
  ZoneId zone;
  std::string label; ///< The zone's `name` file: "package-0", "dram".
  std::string energyPath;
  uint64_t maxRange = 0; ///< max_energy_range_uj: the counter wraps past it.
  uint64_t last = 0;
  uint64_t total = 0; ///< Microjoules since opening.
};

bool parseUnsigned(const char *text, unsigned &value) {
  if (*text < '0' || *text > '9')
    return false;
  char *end = nullptr;
  unsigned long parsed = std::strtoul(text, &end, 10);
  value = unsigned(parsed);
  return *end == '\0';
}

/// Recognizes "<prefix>:N" and "<prefix>:N:M" for the RAPL prefixes.
bool parseZone(const std::string &entry, ZoneId &zone) {
  for (const char *prefix : {"intel-rapl", "amd-rapl"}) {
    std::string head = std::string(prefix) + ":";
    if (entry.compare(0, head.size(), head) != 0)
      continue;
    std::string rest = entry.substr(head.size());
    size_t colon = rest.find(':');
    unsigned sub = 0;
    if (!parseUnsigned(rest.substr(0, colon).c_str(), zone.package))
      return false;
    if (colon != std::string::npos && !parseUnsigned(rest.substr(colon + 1).c_str(), sub))
      return false;
    zone.prefix = prefix;
    zone.sub = colon == std::string::npos ? -1 : int(sub);
    return true;
  }
  return false;
}

/// Reads a small sysfs file whole. POSIX calls rather than streams so that
/// errno (EACCES for root-only RAPL, EISDIR, ENOENT) survives to the message;
/// on failure errno is left set to the cause.
bool readSmallFile(const std::string &path, std::string &text, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int openErrno = errno;
    error = path + ": " + std::strerror(openErrno);
    errno = openErrno;
    return false;
  }
  char buffer[128];
  ssize_t count;
  do
    count = ::read(fd, buffer, sizeof(buffer) - 1);
  while (count < 0 && errno == EINTR);
  int readErrno = errno;
  ::close(fd);
  if (count < 0) {
    error = path + ": " + std::strerror(readErrno);
    errno = readErrno;
    return false;
  }
  text.assign(buffer, size_t(count));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return true;
}

bool readCounter(const std::string &path, uint64_t &value, std::string &error) {
  std::string text;
  if (!readSmallFile(path, text, error))
    return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE) {
    error = path + ": not a counter: '" + text + "'";
    errno = EINVAL;
    return false;
  }
  value = parsed;
  return true;
}

/// Adds to `zones` the RAPL zones listed in `dir`, keyed by name so that the
/// flat /sys/class/powercap view and the nested one do not count twice.
void listZones(const std::string &dir, std::vector<std::pair<ZoneId, std::string>> &zones) {
  DIR *handle = ::opendir(dir.c_str());
  if (!handle)
    return;
  while (dirent *entry = ::readdir(handle)) {
    ZoneId zone;
    if (!parseZone(entry->d_name, zone))
      continue;
    bool seen = std::any_of(zones.begin(), zones.end(),
                            [&](const auto &known) { return known.first.name() == zone.name(); });
    if (!seen)
      zones.emplace_back(zone, dir + "/" + entry->d_name);
  }
  ::closedir(handle);
}

/// Whether a zone is one the meter sums: a package, or a package's DRAM.
bool isCounted(const ZoneId &zone, const std::string &label) {
  if (zone.sub < 0)
    return label.rfind("package", 0) == 0;
  return label == "dram";
}

/// Uses the counter's range to undo one wrap between `previous` and `now`.
uint64_t counterDelta(uint64_t previous, uint64_t now, uint64_t maxRange) {
  return now >= previous ? now - previous : now + (maxRange + 1) - previous;
}

class RaplMeter : public EnergyMeter {
public:
  RaplMeter(std::vector<Domain> domains, std::string skipped)
      : domains(std::move(domains)), skipped(std::move(skipped)) {}

  std::string source() const override { return "measured:rapl"; }

  std::string describe() const override {
    std::string labels, zones;
    for (const Domain &domain : domains) {
      labels += (labels.empty() ? "" : " + ") + domain.label;
      zones += (zones.empty() ? "" : ", ") + domain.zone.name();
    }
    std::string text = "RAPL " + labels + " (" + zones + ")";
    return skipped.empty() ? text : text + "; skipped " + skipped;
  }

  bool read(const WorkCost &, double, double &joules, std::string &error) override {
    // Every counter is read before any state changes, so a failed read leaves
    // the meter as it was and the next read still covers the whole interval.
    std::vector<uint64_t> now(domains.size());
    for (size_t i = 0; i < domains.size(); ++i)
      if (!readCounter(domains[i].energyPath, now[i], error))
        return false;
    uint64_t microjoules = 0;
    for (size_t i = 0; i < domains.size(); ++i) {
      Domain &domain = domains[i];
      domain.total += counterDelta(domain.last, now[i], domain.maxRange);
      domain.last = now[i];
      microjoules += domain.total;
    }
    joules = double(microjoules) / 1e6;
    return true;
  }

private:
  std::vector<Domain> domains;
  std::string skipped; ///< Counted zones that could not be read, with why.
};

/// Opens one counted zone: its counter and its range must both be readable
/// (the range is what undoes a wrap).
bool openDomain(const ZoneId &zone, const std::string &dir, const std::string &label,
                Domain &domain, std::string &error) {
  domain.zone = zone;
  domain.label = label;
  domain.energyPath = dir + "/energy_uj";
  return readCounter(domain.energyPath, domain.last, error) &&
         readCounter(dir + "/max_energy_range_uj", domain.maxRange, error);
}

} // namespace

std::unique_ptr<EnergyMeter> sweep::openRaplMeter(const std::string &root, std::string &why) {
  if (::access(root.c_str(), F_OK) != 0) {
    why = root + ": " + std::strerror(errno) + " (no powercap sysfs)";
    return nullptr;
  }
  std::vector<std::pair<ZoneId, std::string>> zones;
  listZones(root, zones);
  // Under /sys/class/powercap every zone is listed flat; under a package
  // directory (or the intel-rapl control type) subzones are nested.
  for (size_t i = 0, e = zones.size(); i < e; ++i) {
    if (zones[i].first.sub >= 0)
      continue;
    std::string dir = zones[i].second; // A copy: listZones grows `zones`.
    listZones(dir, zones);
  }
  std::sort(zones.begin(), zones.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });

  std::vector<Domain> domains;
  std::string firstError, skipped;
  int firstErrno = 0;
  for (const auto &[zone, dir] : zones) {
    std::string label, error;
    if (!readSmallFile(dir + "/name", label, error) || !isCounted(zone, label))
      continue;
    Domain domain;
    if (openDomain(zone, dir, label, domain, error)) {
      domains.push_back(std::move(domain));
      continue;
    }
    if (firstError.empty()) {
      firstErrno = errno;
      firstError = error;
    }
    skipped += (skipped.empty() ? "" : ", ") + zone.name() + " (" + error + ")";
  }
  if (!domains.empty())
    return std::make_unique<RaplMeter>(std::move(domains), std::move(skipped));

  if (firstError.empty()) {
    why = root + ": no RAPL package or dram domains (absent in most VMs)";
  } else {
    why = firstError;
    if (firstErrno == EACCES || firstErrno == EPERM)
      why += " (RAPL is root-only since CVE-2020-8694)";
  }
  return nullptr;
}
