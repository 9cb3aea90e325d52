{
  "variables": {
    # Empty: link the system's shared OpenBLAS (the source build at install). A path to libopenblas.a: link it in
    # statically with its symbols kept private (the prebuild made at pack time by scripts/prebuild.mjs).
    "openblas_static%": ""
  },
  "targets": [
    {
      "target_name": "blas",
      "sources": ["native/blas.c"],
      "cflags_c": ["-std=c11", "-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-Wall", "-Wextra"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=c11", "-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"]
      },
      "conditions": [
        ["openblas_static==''", {
          "libraries": ["-lopenblas", "-lm", "-lpthread"]
        }, {
          "libraries": ["<(openblas_static)", "-lm", "-lpthread"],
          "ldflags": ["-Wl,--exclude-libs,ALL", "-Wl,--gc-sections", "-s"]
        }]
      ]
    }
  ]
}
