;; CRC-64/XZ over bytes placed in linear memory by the JavaScript wrapper (src/crc64.ts): slicing-by-8,
;; on four lanes at once where the input is long enough, the lanes joined by multiplication modulo the
;; polynomial (as zlib's crc32_combine). One lane is bound by the latency of its own chain (load, lookup,
;; xor, next step); four independent chains keep the loads busy.
;; Memory layout: 8 lookup tables of 256 little-endian i64 at [0, 16384) (table k at k*2048), then 64
;; i64 at [16384, 16896): x^(2^k) modulo the polynomial (reflected), both written by the wrapper; input
;; bytes from 17408 on. The register is passed in and out without the final inversion.
(module
  (memory (export "memory") 18)
  ;; a * b modulo the polynomial, reflected (bit 63 is x^0): zlib's multmodp on 64 bits.
  (func $multmodp (export "multmodp") (param $a i64) (param $b i64) (result i64)
    (local $m i64)
    (local $p i64)
    (local.set $m (i64.const 0x8000000000000000))
    (block $done
      (loop $bit
        (br_if $done (i64.eqz (local.get $m)))
        (if (i64.ne (i64.and (local.get $a) (local.get $m)) (i64.const 0))
          (then
            (local.set $p (i64.xor (local.get $p) (local.get $b)))
            (br_if $done (i64.eqz (i64.and (local.get $a) (i64.sub (local.get $m) (i64.const 1)))))))
        (local.set $m (i64.shr_u (local.get $m) (i64.const 1)))
        (local.set $b
          (if (result i64) (i64.eqz (i64.and (local.get $b) (i64.const 1)))
            (then (i64.shr_u (local.get $b) (i64.const 1)))
            (else (i64.xor (i64.shr_u (local.get $b) (i64.const 1)) (i64.const 0xC96C5795D7870F42)))))
        (br $bit)))
    (local.get $p))
  ;; x^(8n) modulo the polynomial: what n zero bytes do to a register.
  (func $zeroBytesOperator (param $n i32) (result i64)
    (local $p i64)
    (local $k i32)
    (local.set $p (i64.const 0x8000000000000000))
    (local.set $k (i32.const 3))
    (block $done
      (loop $bit
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.and (local.get $n) (i32.const 1))
          (then (local.set $p (call $multmodp (i64.load offset=16384 (i32.shl (i32.and (local.get $k) (i32.const 63)) (i32.const 3))) (local.get $p)))))
        (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $bit)))
    (local.get $p))
  (func (export "update") (param $crc i64) (param $ptr i32) (param $len i32) (result i64)
    (local $end i32)
    (local $end8 i32)
    (local $x i64)
    (local $m i32)
    (local $i i32)
    (local $op i64)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c0 i64) (local $c1 i64) (local $c2 i64) (local $c3 i64)
    (local $x0 i64) (local $x1 i64) (local $x2 i64) (local $x3 i64)
    (local $xlo i32) (local $xhi i32)
    (local $x0lo i32) (local $x0hi i32) (local $x1lo i32) (local $x1hi i32) (local $x2lo i32) (local $x2hi i32) (local $x3lo i32) (local $x3hi i32)
    ;; Four lanes of m bytes each (a multiple of 8), when there are at least 4 KiB.
    (if (i32.ge_u (local.get $len) (i32.const 4096))
      (then
        (local.set $m (i32.shl (i32.shr_u (local.get $len) (i32.const 5)) (i32.const 3)))
        (local.set $p0 (local.get $ptr))
        (local.set $p1 (i32.add (local.get $p0) (local.get $m)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $m)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $m)))
        (local.set $c0 (local.get $crc))
        (block $lanesDone
          (loop $lanes
            (br_if $lanesDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $x0 (i64.xor (local.get $c0) (i64.load (i32.add (local.get $p0) (local.get $i)))))
            (local.set $x1 (i64.xor (local.get $c1) (i64.load (i32.add (local.get $p1) (local.get $i)))))
            (local.set $x2 (i64.xor (local.get $c2) (i64.load (i32.add (local.get $p2) (local.get $i)))))
            (local.set $x3 (i64.xor (local.get $c3) (i64.load (i32.add (local.get $p3) (local.get $i)))))
            (local.set $x0lo (i32.wrap_i64 (local.get $x0)))
            (local.set $x0hi (i32.wrap_i64 (i64.shr_u (local.get $x0) (i64.const 32))))
            (local.set $c0 (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $x0lo) (i32.const 3)) (i32.const 2040))) (i64.load offset=12288 (i32.and (i32.shr_u (local.get $x0lo) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $x0lo) (i32.const 13)) (i32.const 2040))) (i64.load offset=8192 (i32.and (i32.shr_u (local.get $x0lo) (i32.const 21)) (i32.const 2040))))) (i64.xor (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $x0hi) (i32.const 3)) (i32.const 2040))) (i64.load offset=4096 (i32.and (i32.shr_u (local.get $x0hi) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $x0hi) (i32.const 13)) (i32.const 2040))) (i64.load offset=0 (i32.and (i32.shr_u (local.get $x0hi) (i32.const 21)) (i32.const 2040)))))))
            (local.set $x1lo (i32.wrap_i64 (local.get $x1)))
            (local.set $x1hi (i32.wrap_i64 (i64.shr_u (local.get $x1) (i64.const 32))))
            (local.set $c1 (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $x1lo) (i32.const 3)) (i32.const 2040))) (i64.load offset=12288 (i32.and (i32.shr_u (local.get $x1lo) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $x1lo) (i32.const 13)) (i32.const 2040))) (i64.load offset=8192 (i32.and (i32.shr_u (local.get $x1lo) (i32.const 21)) (i32.const 2040))))) (i64.xor (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $x1hi) (i32.const 3)) (i32.const 2040))) (i64.load offset=4096 (i32.and (i32.shr_u (local.get $x1hi) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $x1hi) (i32.const 13)) (i32.const 2040))) (i64.load offset=0 (i32.and (i32.shr_u (local.get $x1hi) (i32.const 21)) (i32.const 2040)))))))
            (local.set $x2lo (i32.wrap_i64 (local.get $x2)))
            (local.set $x2hi (i32.wrap_i64 (i64.shr_u (local.get $x2) (i64.const 32))))
            (local.set $c2 (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $x2lo) (i32.const 3)) (i32.const 2040))) (i64.load offset=12288 (i32.and (i32.shr_u (local.get $x2lo) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $x2lo) (i32.const 13)) (i32.const 2040))) (i64.load offset=8192 (i32.and (i32.shr_u (local.get $x2lo) (i32.const 21)) (i32.const 2040))))) (i64.xor (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $x2hi) (i32.const 3)) (i32.const 2040))) (i64.load offset=4096 (i32.and (i32.shr_u (local.get $x2hi) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $x2hi) (i32.const 13)) (i32.const 2040))) (i64.load offset=0 (i32.and (i32.shr_u (local.get $x2hi) (i32.const 21)) (i32.const 2040)))))))
            (local.set $x3lo (i32.wrap_i64 (local.get $x3)))
            (local.set $x3hi (i32.wrap_i64 (i64.shr_u (local.get $x3) (i64.const 32))))
            (local.set $c3 (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $x3lo) (i32.const 3)) (i32.const 2040))) (i64.load offset=12288 (i32.and (i32.shr_u (local.get $x3lo) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $x3lo) (i32.const 13)) (i32.const 2040))) (i64.load offset=8192 (i32.and (i32.shr_u (local.get $x3lo) (i32.const 21)) (i32.const 2040))))) (i64.xor (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $x3hi) (i32.const 3)) (i32.const 2040))) (i64.load offset=4096 (i32.and (i32.shr_u (local.get $x3hi) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $x3hi) (i32.const 13)) (i32.const 2040))) (i64.load offset=0 (i32.and (i32.shr_u (local.get $x3hi) (i32.const 21)) (i32.const 2040)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $lanes)))
        ;; crc(A B C D) = ((c0 * x^8m + c1) * x^8m + c2) * x^8m + c3: the lanes after the first began at zero.
        (local.set $op (call $zeroBytesOperator (local.get $m)))
        (local.set $crc (i64.xor (call $multmodp (local.get $op) (local.get $c0)) (local.get $c1)))
        (local.set $crc (i64.xor (call $multmodp (local.get $op) (local.get $crc)) (local.get $c2)))
        (local.set $crc (i64.xor (call $multmodp (local.get $op) (local.get $crc)) (local.get $c3)))
        (local.set $ptr (i32.add (local.get $p3) (local.get $m)))
        (local.set $len (i32.sub (local.get $len) (i32.shl (local.get $m) (i32.const 2))))))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $end8 (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -8))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $ptr) (local.get $end8)))
        (local.set $x (i64.xor (local.get $crc) (i64.load (local.get $ptr))))
        (local.set $xlo (i32.wrap_i64 (local.get $x)))
        (local.set $xhi (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))
        (local.set $crc (i64.xor (i64.xor (i64.xor (i64.load offset=14336 (i32.and (i32.shl (local.get $xlo) (i32.const 3)) (i32.const 2040))) (i64.load offset=12288 (i32.and (i32.shr_u (local.get $xlo) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=10240 (i32.and (i32.shr_u (local.get $xlo) (i32.const 13)) (i32.const 2040))) (i64.load offset=8192 (i32.and (i32.shr_u (local.get $xlo) (i32.const 21)) (i32.const 2040))))) (i64.xor (i64.xor (i64.load offset=6144 (i32.and (i32.shl (local.get $xhi) (i32.const 3)) (i32.const 2040))) (i64.load offset=4096 (i32.and (i32.shr_u (local.get $xhi) (i32.const 5)) (i32.const 2040)))) (i64.xor (i64.load offset=2048 (i32.and (i32.shr_u (local.get $xhi) (i32.const 13)) (i32.const 2040))) (i64.load offset=0 (i32.and (i32.shr_u (local.get $xhi) (i32.const 21)) (i32.const 2040)))))))
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
