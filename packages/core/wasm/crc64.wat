;; CRC-64/XZ, slicing-by-8, over bytes placed in linear memory by the JavaScript wrapper (src/crc64.ts).
;; Memory layout: 8 lookup tables of 256 little-endian i64 at [0, 16384) (table k at k*2048), written by
;; the wrapper; input bytes from 16384 on. The register is passed in and out without the final inversion.
(module
  (memory (export "memory") 18)
  (func (export "update") (param $crc i64) (param $ptr i32) (param $len i32) (result i64)
    (local $end i32)
    (local $end8 i32)
    (local $x i64)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $end8 (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -8))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $ptr) (local.get $end8)))
        (local.set $x (i64.xor (local.get $crc) (i64.load (local.get $ptr))))
        (local.set $crc
          (i64.xor
            (i64.xor
              (i64.xor (i64.load offset=14336 (i32.shl (i32.wrap_i64 (i64.and (local.get $x) (i64.const 255))) (i32.const 3)))
                       (i64.load offset=12288 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 255))) (i32.const 3))))
              (i64.xor (i64.load offset=10240 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 255))) (i32.const 3)))
                       (i64.load offset=8192 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 24)) (i64.const 255))) (i32.const 3)))))
            (i64.xor
              (i64.xor (i64.load offset=6144 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 32)) (i64.const 255))) (i32.const 3)))
                       (i64.load offset=4096 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 40)) (i64.const 255))) (i32.const 3))))
              (i64.xor (i64.load offset=2048 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 48)) (i64.const 255))) (i32.const 3)))
                       (i64.load offset=0 (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (i64.const 56)) (i64.const 255))) (i32.const 3)))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 8)))
        (br $loop8)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $crc
          (i64.xor
            (i64.load
              (i32.shl
                (i32.and (i32.xor (i32.wrap_i64 (local.get $crc)) (i32.load8_u (local.get $ptr))) (i32.const 255))
                (i32.const 3)))
            (i64.shr_u (local.get $crc) (i64.const 8))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $loop)))
    (local.get $crc)))
