// Package models is netcourt's domain: the court's entities, the case workflow, the fee
// calculator, the docket-number allocator, the evidence store and persistence. It never
// imports echo; handlers call it and render what it returns.
package models
