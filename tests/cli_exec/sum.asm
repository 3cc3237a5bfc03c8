# r0 = the sum of the bytes of the memory buffer
    mov %r0, 0
loop:
    jeq %r2, 0, done
    ldxb %r3, [%r1]
    add %r0, %r3
    add %r1, 1
    sub %r2, 1
    ja loop
done:
    exit
