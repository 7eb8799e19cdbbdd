module swiftkeras.example/demo

go 1.19
