;; SELU's derivative times dy, four float32 lanes at a time (wasm SIMD128), over tfjs's own heap:
;;
;;   dx = dy · selu'(x),   selu'(x) = λ for x > 0,  λα·eˣ for x ≤ 0     (Klambauer et al. 2017, eq. 2)
;;
;; tfjs-backend-wasm has no vector eˣ (its Exp is a scalar expf loop, ~10 ns an element), so it is
;; computed here, Cephes' expf in vector form (~1 ulp):
;;   eˣ = 2ᵏ·eʳ,  k = round(x·log₂e),  r = x − k·ln2 with ln2 = C1 + C2 (Cody–Waite: k·C1 is exact),
;;   eʳ ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, P of degree 5 evaluated by Estrin's scheme, with λα folded
;;   into its coefficients: λα·eʳ = (λα + λα·r) + r²·Q(r), Q = λα·P.
;; Rounding x·log₂e to an integer is one add: the sum with M = 1.5·2²³ keeps k in its low mantissa
;; bits, so k = (x·log₂e + M) − M, and 2ᵏ has the bits (bits(x·log₂e + M) + 127) << 23 (the shift
;; drops M's bits, whose low 9 are 0). x is clamped at −87.6 so that k ≥ −126 and 2ᵏ is a normal
;; float; below −87.6 the true value is under 2e-38 and the result is 0. NaN in x gives NaN (pmax
;; keeps it, the comparisons are false for it).
;;
;; The loop is latency-bound (each vector is a ~20-deep chain), hence Estrin over Horner and the
;; constants kept in locals. Pointers are byte offsets into tfjs's memory; n is a multiple of 4 (the
;; caller covers a tail by running the last four elements again). scripts/build-wat.ts assembles this
;; file into selu-grad-bytes.ts; test/backend/simd.test.ts checks the two agree.
(module
  (import "tfjs" "memory" (memory 1))
  ;; Constants as mutable globals, read once into locals: V8 would otherwise rebuild every splat
  ;; constant inside the loop (3 instructions each, ~40 % of the loop). Q = λα·P, P's coefficients
  ;; from Cephes (1.9875691500e-4 … 5.0000001201e-1).
  (global $lo (mut v128) (v128.const f32x4 -87.6 -87.6 -87.6 -87.6))
  (global $log2e (mut v128) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
  (global $m (mut v128) (v128.const f32x4 12582912 12582912 12582912 12582912))           ;; M = 1.5·2²³
  (global $c1 (mut v128) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
  (global $c2 (mut v128) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
  (global $q0 (mut v128) (v128.const f32x4 3.4943440125e-4 3.4943440125e-4 3.4943440125e-4 3.4943440125e-4))
  (global $q1 (mut v128) (v128.const f32x4 2.4581744117e-3 2.4581744117e-3 2.4581744117e-3 2.4581744117e-3))
  (global $q2 (mut v128) (v128.const f32x4 1.4651036305e-2 1.4651036305e-2 1.4651036305e-2 1.4651036305e-2))
  (global $q3 (mut v128) (v128.const f32x4 7.3252608297e-2 7.3252608297e-2 7.3252608297e-2 7.3252608297e-2))
  (global $q4 (mut v128) (v128.const f32x4 2.9301653558e-1 2.9301653558e-1 2.9301653558e-1 2.9301653558e-1))
  (global $q5 (mut v128) (v128.const f32x4 8.7904969154e-1 8.7904969154e-1 8.7904969154e-1 8.7904969154e-1))
  (global $la (mut v128) (v128.const f32x4 1.7580993408473766 1.7580993408473766 1.7580993408473766 1.7580993408473766))  ;; λα
  (global $l (mut v128) (v128.const f32x4 1.0507009873554805 1.0507009873554805 1.0507009873554805 1.0507009873554805))   ;; λ
  (global $bias (mut v128) (v128.const i32x4 127 127 127 127))
  (func (export "selu_grad") (param $dy i32) (param $x i32) (param $out i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local $v v128) (local $e v128) (local $t v128) (local $r v128) (local $r2 v128) (local $q v128)
    (local $lo v128) (local $log2e v128) (local $m v128) (local $c1 v128) (local $c2 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $q4 v128) (local $q5 v128)
    (local $la v128) (local $l v128) (local $zero v128) (local $bias v128)
    (local.set $lo (global.get $lo))
    (local.set $log2e (global.get $log2e))
    (local.set $m (global.get $m))
    (local.set $c1 (global.get $c1))
    (local.set $c2 (global.get $c2))
    (local.set $q0 (global.get $q0))
    (local.set $q1 (global.get $q1))
    (local.set $q2 (global.get $q2))
    (local.set $q3 (global.get $q3))
    (local.set $q4 (global.get $q4))
    (local.set $q5 (global.get $q5))
    (local.set $la (global.get $la))
    (local.set $l (global.get $l))
    (local.set $bias (global.get $bias))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $e (f32x4.pmax (local.get $v) (local.get $lo)))
        ;; t = x·log₂e + M, k = t − M, r = x − k·C1 − k·C2
        (local.set $t (f32x4.add (f32x4.mul (local.get $e) (local.get $log2e)) (local.get $m)))
        (local.set $q (f32x4.sub (local.get $t) (local.get $m)))
        (local.set $r (f32x4.sub
          (f32x4.sub (local.get $e) (f32x4.mul (local.get $q) (local.get $c1)))
          (f32x4.mul (local.get $q) (local.get $c2))))
        ;; Q(r) = (q0·r + q1)·r⁴ + (q2·r + q3)·r² + (q4·r + q5)
        (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
        (local.set $q (f32x4.add
          (f32x4.mul
            (f32x4.add (f32x4.mul (local.get $q0) (local.get $r)) (local.get $q1))
            (f32x4.mul (local.get $r2) (local.get $r2)))
          (f32x4.add
            (f32x4.mul (f32x4.add (f32x4.mul (local.get $q2) (local.get $r)) (local.get $q3)) (local.get $r2))
            (f32x4.add (f32x4.mul (local.get $q4) (local.get $r)) (local.get $q5)))))
        ;; λα·eˣ = 2ᵏ · ((λα + λα·r) + r²·Q(r))
        (local.set $e (f32x4.mul
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $la) (local.get $r)) (local.get $la))
            (f32x4.mul (local.get $r2) (local.get $q)))
          (i32x4.shl (i32x4.add (local.get $t) (local.get $bias)) (i32.const 23))))
        ;; λ where x > 0, else λα·eˣ; 0 below the clamp
        (local.set $e (v128.bitselect (local.get $l) (local.get $e)
          (f32x4.gt (local.get $v) (local.get $zero))))
        (local.set $e (v128.andnot (local.get $e) (f32x4.lt (local.get $v) (local.get $lo))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $i))) (local.get $e)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))))
