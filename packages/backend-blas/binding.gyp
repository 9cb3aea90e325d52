{
  "targets": [
    {
      "target_name": "blas",
      "sources": ["native/blas.c"],
      "cflags_c": ["-std=c11", "-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-Wall", "-Wextra"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=c11", "-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"]
      },
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
