;; eˣ and erf(x), four float32 lanes at a time (wasm SIMD128), over tfjs's own heap. tfjs-backend-wasm
;; computes both with scalar libm loops (~10 and ~5 ns an element); these take ~1.
;;
;; eˣ is Cephes' expf in vector form (~1 ulp), as in selu-grad.wat:
;;   eˣ = 2ᵏ·eʳ,  k = round(x·log₂e),  r = x − k·C1 − k·C2  (C1 + C2 = ln2, Cody–Waite),
;;   eʳ ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, P of degree 5 by Estrin's scheme.
;; Here over the whole float range: x is clamped to [−104, 89] (eˣ rounds to 0 below, overflows to
;; ∞ above), and 2ᵏ (k in [−150, 128]) is applied as 2^⌊k/2⌋ · 2^(k−⌊k/2⌋), two normal floats, so
;; subnormal results and results near FLT_MAX come out right. k is rounded with one add: with
;; M = 1.5·2²³, t = x·log₂e + M keeps k in its low mantissa bits, k = t − M and bits(t) − bits(M).
;;
;; erf is the formula tfjs's cpu backend uses (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7):
;;   erf(x) = sign(x)·(1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−x²)),  t = 1 / (1 + p·|x|).
;;
;; Constants are mutable globals read into locals once (V8 rebuilds splat constants inside a loop).
;; NaN in gives NaN out. Pointers are byte offsets into tfjs's memory; n is a multiple of 4 (the
;; caller covers a tail by running the last four elements again). scripts/build-wat.ts assembles this
;; file into exp-bytes.ts; test/backend/simd.test.ts checks the two agree.
(module
  (import "tfjs" "memory" (memory 1))
  (global $lo (mut v128) (v128.const f32x4 -104 -104 -104 -104))
  (global $hi (mut v128) (v128.const f32x4 89 89 89 89))
  (global $log2e (mut v128) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
  (global $m (mut v128) (v128.const f32x4 12582912 12582912 12582912 12582912))   ;; M = 1.5·2²³
  (global $c1 (mut v128) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
  (global $c2 (mut v128) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
  ;; Cephes' P
  (global $p0 (mut v128) (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
  (global $p1 (mut v128) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3))
  (global $p2 (mut v128) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3))
  (global $p3 (mut v128) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2))
  (global $p4 (mut v128) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1))
  (global $p5 (mut v128) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1))
  (global $one (mut v128) (v128.const f32x4 1 1 1 1))
  (global $bias (mut v128) (v128.const i32x4 127 127 127 127))
  ;; A&S 7.1.26 (tfjs-core's erf_util)
  (global $ep (mut v128) (v128.const f32x4 0.3275911 0.3275911 0.3275911 0.3275911))
  (global $a1 (mut v128) (v128.const f32x4 0.254829592 0.254829592 0.254829592 0.254829592))
  (global $a2 (mut v128) (v128.const f32x4 -0.284496736 -0.284496736 -0.284496736 -0.284496736))
  (global $a3 (mut v128) (v128.const f32x4 1.421413741 1.421413741 1.421413741 1.421413741))
  (global $a4 (mut v128) (v128.const f32x4 -1.453152027 -1.453152027 -1.453152027 -1.453152027))
  (global $a5 (mut v128) (v128.const f32x4 1.061405429 1.061405429 1.061405429 1.061405429))
  (global $sign (mut v128) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))

  ;; out = e^in; the body of both loops below (no wasm-to-wasm inlining in Node 20's V8, and a
  ;; call per vector costs more than the copy).
  (func (export "exp") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local $v v128) (local $t v128) (local $k v128) (local $r v128) (local $r2 v128) (local $y v128)
    (local $lo v128) (local $hi v128) (local $log2e v128) (local $m v128) (local $c1 v128) (local $c2 v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128) (local $p5 v128)
    (local $one v128) (local $bias v128)
    (local.set $lo (global.get $lo)) (local.set $hi (global.get $hi))
    (local.set $log2e (global.get $log2e)) (local.set $m (global.get $m))
    (local.set $c1 (global.get $c1)) (local.set $c2 (global.get $c2))
    (local.set $p0 (global.get $p0)) (local.set $p1 (global.get $p1)) (local.set $p2 (global.get $p2))
    (local.set $p3 (global.get $p3)) (local.set $p4 (global.get $p4)) (local.set $p5 (global.get $p5))
    (local.set $one (global.get $one)) (local.set $bias (global.get $bias))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (f32x4.pmin (f32x4.pmax (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $lo)) (local.get $hi)))
        ;; ---- eᵛ (same in erf) ----
        (local.set $t (f32x4.add (f32x4.mul (local.get $v) (local.get $log2e)) (local.get $m)))
        (local.set $k (f32x4.sub (local.get $t) (local.get $m)))
        (local.set $r (f32x4.sub
          (f32x4.sub (local.get $v) (f32x4.mul (local.get $k) (local.get $c1)))
          (f32x4.mul (local.get $k) (local.get $c2))))
        (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
        (local.set $y (f32x4.add
          (f32x4.add (local.get $r) (local.get $one))
          (f32x4.mul (local.get $r2)
            (f32x4.add
              (f32x4.mul
                (f32x4.add (f32x4.mul (local.get $p0) (local.get $r)) (local.get $p1))
                (f32x4.mul (local.get $r2) (local.get $r2)))
              (f32x4.add
                (f32x4.mul (f32x4.add (f32x4.mul (local.get $p2) (local.get $r)) (local.get $p3)) (local.get $r2))
                (f32x4.add (f32x4.mul (local.get $p4) (local.get $r)) (local.get $p5)))))))
        ;; k as an integer, split in two halves k1 + k2, each applied as a normal float 2ᵏⁱ
        (local.set $k (i32x4.sub (local.get $t) (local.get $m)))
        (local.set $t (i32x4.shr_s (local.get $k) (i32.const 1)))
        (local.set $y (f32x4.mul
          (f32x4.mul (local.get $y) (i32x4.shl (i32x4.add (local.get $t) (local.get $bias)) (i32.const 23)))
          (i32x4.shl (i32x4.add (i32x4.sub (local.get $k) (local.get $t)) (local.get $bias)) (i32.const 23))))
        ;; ---- end eᵛ ----
        (v128.store (i32.add (local.get $out) (local.get $i)) (local.get $y))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; out = erf(in)
  (func (export "erf") (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local $v v128) (local $t v128) (local $k v128) (local $r v128) (local $r2 v128) (local $y v128)
    (local $lo v128) (local $hi v128) (local $log2e v128) (local $m v128) (local $c1 v128) (local $c2 v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128) (local $p5 v128)
    (local $one v128) (local $bias v128)
    (local $x4 v128) (local $a v128) (local $s v128)
    (local $ep v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $sign v128)
    (local.set $lo (global.get $lo)) (local.set $hi (global.get $hi))
    (local.set $log2e (global.get $log2e)) (local.set $m (global.get $m))
    (local.set $c1 (global.get $c1)) (local.set $c2 (global.get $c2))
    (local.set $p0 (global.get $p0)) (local.set $p1 (global.get $p1)) (local.set $p2 (global.get $p2))
    (local.set $p3 (global.get $p3)) (local.set $p4 (global.get $p4)) (local.set $p5 (global.get $p5))
    (local.set $one (global.get $one)) (local.set $bias (global.get $bias))
    (local.set $ep (global.get $ep)) (local.set $a1 (global.get $a1)) (local.set $a2 (global.get $a2))
    (local.set $a3 (global.get $a3)) (local.set $a4 (global.get $a4)) (local.set $a5 (global.get $a5))
    (local.set $sign (global.get $sign))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x4 (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $a (f32x4.abs (local.get $x4)))
        ;; t = 1 / (1 + p·|x|), s = t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))
        (local.set $s (f32x4.div (local.get $one) (f32x4.add (local.get $one) (f32x4.mul (local.get $ep) (local.get $a)))))
        (local.set $r (f32x4.add (f32x4.mul (local.get $a5) (local.get $s)) (local.get $a4)))
        (local.set $r (f32x4.add (f32x4.mul (local.get $r) (local.get $s)) (local.get $a3)))
        (local.set $r (f32x4.add (f32x4.mul (local.get $r) (local.get $s)) (local.get $a2)))
        (local.set $r (f32x4.add (f32x4.mul (local.get $r) (local.get $s)) (local.get $a1)))
        (local.set $s (f32x4.mul (local.get $r) (local.get $s)))
        (local.set $v (f32x4.pmax (f32x4.neg (f32x4.mul (local.get $a) (local.get $a))) (local.get $lo)))
        ;; ---- eᵛ (as in exp) ----
        (local.set $t (f32x4.add (f32x4.mul (local.get $v) (local.get $log2e)) (local.get $m)))
        (local.set $k (f32x4.sub (local.get $t) (local.get $m)))
        (local.set $r (f32x4.sub
          (f32x4.sub (local.get $v) (f32x4.mul (local.get $k) (local.get $c1)))
          (f32x4.mul (local.get $k) (local.get $c2))))
        (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
        (local.set $y (f32x4.add
          (f32x4.add (local.get $r) (local.get $one))
          (f32x4.mul (local.get $r2)
            (f32x4.add
              (f32x4.mul
                (f32x4.add (f32x4.mul (local.get $p0) (local.get $r)) (local.get $p1))
                (f32x4.mul (local.get $r2) (local.get $r2)))
              (f32x4.add
                (f32x4.mul (f32x4.add (f32x4.mul (local.get $p2) (local.get $r)) (local.get $p3)) (local.get $r2))
                (f32x4.add (f32x4.mul (local.get $p4) (local.get $r)) (local.get $p5)))))))
        (local.set $k (i32x4.sub (local.get $t) (local.get $m)))
        (local.set $t (i32x4.shr_s (local.get $k) (i32.const 1)))
        (local.set $y (f32x4.mul
          (f32x4.mul (local.get $y) (i32x4.shl (i32x4.add (local.get $t) (local.get $bias)) (i32.const 23)))
          (i32x4.shl (i32x4.add (i32x4.sub (local.get $k) (local.get $t)) (local.get $bias)) (i32.const 23))))
        ;; ---- end eᵛ ----
        ;; erf = sign(x) · (1 − s·e^(−x²)): the sign bit of x on the magnitude
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.bitselect (local.get $x4)
            (f32x4.sub (local.get $one) (f32x4.mul (local.get $s) (local.get $y)))
            (local.get $sign)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))))
