// Registration module: importing the package entry registers its blocks with tfjs and the core registry.
// (No blocks yet: this package is a skeleton until its issue lands.)
export {};
