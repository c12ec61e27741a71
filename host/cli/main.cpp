#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return hashflop::cli::run(argc, argv);
}
