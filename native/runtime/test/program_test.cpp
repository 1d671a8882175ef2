// The core against real exporter output: load, run, and reject damage.
#include "kernels/generated/register_kernels.h"
#include "runtime/bundled.h"
#include "runtime/data_loader_posix.h"
#include "runtime/method.h"
#include "runtime/program.h"
#include "testing/fixtures.h"
#include "testing/minitest.h"

using namespace etb;

namespace {

struct Loaded {
  testing_util::AlignedBytes bytes;
  uint8_t method_pool[64 * 1024];
  uint8_t temp_pool[4096];
  alignas(64) uint8_t arena[4096];
  Span<uint8_t> arenas[1];
  MemoryAllocator method_alloc{method_pool, sizeof(method_pool)};
  MemoryAllocator temp_alloc{temp_pool, sizeof(temp_pool)};
  PlannedMemory planned;
  KernelRegistry registry;
  Diag diag;
};

KernelRegistry& kernels() {
  static KernelRegistry r;
  static bool once = register_kernels(r) == Error::Ok;
  (void)once;
  return r;
}

// The registry as a build without the quantized (cortex_m) kernel set sees it.
KernelRegistry& kernels_without_quantized() {
  static KernelRegistry r;
  static bool once = [] {
    for (size_t i = 0; i < kernels().size(); i++) {
      if (kernels().at(i).set != KernelSet::Quantized && r.add(kernels().at(i)) != Error::Ok) return false;
    }
    return true;
  }();
  (void)once;
  return r;
}

MethodConfig config_for(Loaded& l) {
  l.arenas[0] = Span<uint8_t>(l.arena, sizeof(l.arena));
  l.planned = PlannedMemory(Span<Span<uint8_t>>(l.arenas, 1));
  MethodConfig c;
  c.kernels = &kernels();
  c.memory = MemoryManager{&l.method_alloc, &l.planned, &l.temp_alloc};
  return c;
}

}  // namespace

TEST(Program, AddModelComputesXPlusOne) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/arduino_AddModel.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  EXPECT_TRUE(program->header().present);
  EXPECT_EQ(program->header().segment_base_offset, 1152u);
  auto method = Method::load(*program, "forward", config_for(l), &l.diag);
  ASSERT_TRUE(method.ok());
  float x[3] = {1, 2, 3};
  int32_t sizes[1] = {3};
  ASSERT_EQ(method->set_input_bytes(0, Span<const int32_t>(sizes, 1), x, sizeof(x), &l.diag), Error::Ok);
  ASSERT_EQ(method->execute(&l.diag), Error::Ok);
  const float* y = method->output(0).tensor().data_as<const float>();
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], 3.0f);
  EXPECT_EQ(y[2], 4.0f);
}

TEST(Program, ExecuteBeforeInputsIsRejected) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/apple_tests_add.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  EXPECT_FALSE(program->header().present);
  auto method = Method::load(*program, "forward", config_for(l), &l.diag);
  ASSERT_TRUE(method.ok());
  EXPECT_EQ(method->execute(&l.diag), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(l.diag.message, "input 0 has not been set");
}

TEST(Program, LegacyConstantBufferLoads) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/ModuleLinear-no-constant-segment.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  auto method = Method::load(*program, "forward", config_for(l), &l.diag);
  ASSERT_TRUE(method.ok());
  float x[4] = {0, 1, -1, 0.5f};
  int32_t sizes[2] = {2, 2};
  ASSERT_EQ(method->set_input_bytes(0, Span<const int32_t>(sizes, 2), x, sizeof(x), &l.diag), Error::Ok);
  ASSERT_EQ(method->execute(&l.diag), Error::Ok);
  const float* y = method->output(0).tensor().data_as<const float>();
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], 5.0f);
  EXPECT_EQ(y[2], -1.0f);
  EXPECT_EQ(y[3], 3.5f);
}

TEST(Program, BundledCasesPass) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/module_test_bundled_program.bpte", &l.bytes));
  auto bundle = BundledProgram::parse(l.bytes.data, l.bytes.size, &l.diag);
  ASSERT_TRUE(bundle.ok());
  BufferDataLoader loader(bundle->program().data(), bundle->program().size());
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->header().length, 24u);
  auto method = Method::load(*program, "forward", config_for(l), &l.diag);
  ASSERT_TRUE(method.ok());
  auto cases = bundle->num_cases("forward", &l.diag);
  ASSERT_TRUE(cases.ok());
  EXPECT_EQ(*cases, 10u);
  for (uint32_t c = 0; c < *cases; c++) {
    ASSERT_EQ(bundle->set_inputs(*method, "forward", c, &l.diag), Error::Ok);
    ASSERT_EQ(method->execute(&l.diag), Error::Ok);
    OutputCheck check[1];
    auto n = bundle->check_outputs(*method, "forward", c, 0, 0, check, 1, &l.diag);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1u);
    EXPECT_TRUE(check[0].pass);
  }
}

TEST(Program, MissingOperatorsAreAllNamed) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/arduino_KeywordSpotting.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  static uint8_t arena[16000];
  static uint8_t pool[256 * 1024];
  MemoryAllocator alloc(pool, sizeof(pool));
  Span<uint8_t> arenas[1] = {Span<uint8_t>(arena, sizeof(arena))};
  PlannedMemory planned(Span<Span<uint8_t>>(arenas, 1));
  MethodConfig c;
  c.kernels = &kernels_without_quantized();
  c.memory = MemoryManager{&alloc, &planned, nullptr};
  auto method = Method::load(*program, "forward", c, &l.diag);
  EXPECT_EQ(method.error(), Error::OperatorMissing);
  EXPECT_STR_CONTAINS(l.diag.message, "cortex_m::quantized_conv2d.out");
  EXPECT_STR_CONTAINS(l.diag.message, "cortex_m::dequantize_per_tensor.out");
}

TEST(Program, TruncatedFileNamesTheProblem) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/arduino_AddModel.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, 600);
  auto program = Program::load(&loader, nullptr, &l.diag);
  EXPECT_EQ(program.error(), Error::InvalidProgram);
  EXPECT_STR_CONTAINS(l.diag.message, "outside the 600-byte file");
}

TEST(Program, WrongIdentifierIsRejected) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/apple_tests_add.pte", &l.bytes));
  l.bytes.data[7] = '9';
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  EXPECT_EQ(program.error(), Error::InvalidProgram);
  EXPECT_STR_CONTAINS(l.diag.message, "incompatible version");
}

TEST(Program, PlannedBufferTooSmallIsRejected) {
  static Loaded l;
  ASSERT_TRUE(testing_util::read_fixture("executorch/arduino_AddModel.pte", &l.bytes));
  BufferDataLoader loader(l.bytes.data, l.bytes.size);
  auto program = Program::load(&loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  MethodConfig c = config_for(l);
  l.arenas[0] = Span<uint8_t>(l.arena, 8);
  auto method = Method::load(*program, "forward", c, &l.diag);
  EXPECT_EQ(method.error(), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(l.diag.message, "planned buffer 1 needs 32 bytes");
}

TEST(Program, FileDataLoaderReadsIntoCallerMemory) {
  static Loaded l;
  static uint8_t file_pool[8192];
  MemoryAllocator pool(file_pool, sizeof(file_pool));
  auto loader = FileDataLoader::open(testing_util::fixture_path("executorch/arduino_AddModel.pte").c_str(), &pool,
                                     &l.diag);
  ASSERT_TRUE(loader.ok());
  auto program = Program::load(&*loader, nullptr, &l.diag);
  ASSERT_TRUE(program.ok());
  EXPECT_TRUE(pool.used() >= 1040u);
  auto method = Method::load(*program, "forward", config_for(l), &l.diag);
  ASSERT_TRUE(method.ok());
  float x[3] = {-1, 0, 0.5f};
  int32_t sizes[1] = {3};
  ASSERT_EQ(method->set_input_bytes(0, Span<const int32_t>(sizes, 1), x, sizeof(x), &l.diag), Error::Ok);
  ASSERT_EQ(method->execute(&l.diag), Error::Ok);
  EXPECT_EQ(method->output(0).tensor().data_as<const float>()[2], 1.5f);
}

TEST(Program, FileDataLoaderReportsAFullPool) {
  static Loaded l;
  static uint8_t tiny[256];
  MemoryAllocator pool(tiny, sizeof(tiny));
  auto loader = FileDataLoader::open(testing_util::fixture_path("executorch/arduino_AddModel.pte").c_str(), &pool,
                                     &l.diag);
  ASSERT_TRUE(loader.ok());
  auto program = Program::load(&*loader, nullptr, &l.diag);
  EXPECT_EQ(program.error(), Error::MemoryAllocationFailed);
  EXPECT_STR_CONTAINS(l.diag.message, "no room for 1040 bytes");
}
