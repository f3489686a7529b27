// The floor: a compiled Bun program that only prints, built with the same flags as mcpproxy.
console.log("hello");
