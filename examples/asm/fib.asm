# fib.asm: r0 = fib(n) for n = the first byte of the memory (r1 points at it).
# bpfrt asm examples/asm/fib.asm -o fib.bin && bpfrt exec fib.bin --mem "5a 00 00 00"
	ldxb %r2, [%r1]		# n
	mov %r0, 0		# fib(0)
	mov %r3, 1		# fib(1)
	jeq %r2, 0, done
loop:
	mov %r4, %r0		# r0, r3 = r3, r0 + r3
	add %r4, %r3
	mov %r0, %r3
	mov %r3, %r4
	sub %r2, 1
	jne %r2, 0, loop
done:
	exit
