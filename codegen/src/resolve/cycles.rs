//! Recursion: a type that contains itself by value (through fields, oneof arms or aliases,
//! not through `Vec` or maps, which already allocate) gets a `Box` on each edge of the cycle.

use std::collections::BTreeMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Replaces `Named` with `Boxed` on every by-value edge that lies on a cycle.
///
/// A cycle made only of aliases (`A = B`, `B = A`) names no type at all: its aliases become
/// `serde_json::Value` and are returned as (name, pointer) for the caller to report.
pub(crate) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) -> Vec<(String, String)> {
    let names: Vec<&String> = types.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|t| {
            direct_targets(&t.kind)
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let scc = strongly_connected(&edges);
    let cyclic: Vec<(&str, &str)> = edges
        .iter()
        .enumerate()
        .flat_map(|(u, targets)| targets.iter().map(move |&v| (u, v)))
        .filter(|&(u, v)| scc[u] == scc[v])
        .map(|(u, v)| (names[u].as_str(), names[v].as_str()))
        .collect();
    // Type aliases cannot be recursive at all, not even through `Vec`: find alias-only cycles.
    let alias_edges: Vec<Vec<usize>> = types
        .values()
        .map(|t| match &t.kind {
            TypeKind::Alias(ty) => {
                let mut targets = Vec::new();
                all_targets(ty, &mut targets);
                targets
                    .iter()
                    .filter_map(|n| index.get(n.as_str()).copied())
                    .filter(|&v| matches!(types[names[v]].kind, TypeKind::Alias(_)))
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let alias_scc = strongly_connected(&alias_edges);
    let degraded: Vec<(String, String)> = types
        .values()
        .enumerate()
        .filter(|&(u, _)| alias_edges[u].iter().any(|&v| alias_scc[v] == alias_scc[u]))
        .map(|(_, t)| (t.name.clone(), t.pointer.clone()))
        .collect();
    let cyclic: Vec<(String, String)> = cyclic
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
    for (from, to) in cyclic {
        let Some(type_def) = types.get_mut(&from) else {
            continue;
        };
        match &mut type_def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .for_each(|f| box_ref(&mut f.value.ty, &to)),
            TypeKind::OneOf(o) => o
                .arms
                .iter_mut()
                .for_each(|a| box_ref(&mut a.value.ty, &to)),
            TypeKind::Alias(ty) => box_ref(ty, &to),
            TypeKind::Enum(_) => {}
        }
    }
    for (name, _) in &degraded {
        if let Some(type_def) = types.get_mut(name) {
            type_def.kind = TypeKind::Alias(TypeRef::Prim(crate::ir::Prim::Json));
        }
    }
    degraded
}

fn box_ref(ty: &mut TypeRef, target: &str) {
    if let TypeRef::Named(name) = ty {
        if name == target {
            *ty = TypeRef::Boxed(name.clone());
        }
    }
}

fn all_targets(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) | TypeRef::Boxed(n) => out.push(n.clone()),
        TypeRef::List(inner) | TypeRef::Map(inner) => all_targets(inner, out),
        TypeRef::Prim(_) => {}
    }
}

fn direct_targets(kind: &TypeKind) -> Vec<String> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => Some(n.clone()),
        _ => None,
    };
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| direct(&f.value.ty))
            .collect(),
        TypeKind::OneOf(o) => o.arms.iter().filter_map(|a| direct(&a.value.ty)).collect(),
        TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Tarjan's algorithm without recursion; returns the component id of each node. A node with a
/// self-edge shares a component with itself, so self-recursion is caught by the same test.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNVISITED; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, position in its edge list)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (u, ref mut pos)) = work.last_mut() {
            if *pos < edges[u].len() {
                let v = edges[u][*pos];
                *pos += 1;
                if index[v] == UNVISITED {
                    index[v] = next_index;
                    low[v] = next_index;
                    next_index += 1;
                    stack.push(v);
                    on_stack[v] = true;
                    work.push((v, 0));
                } else if on_stack[v] {
                    low[u] = low[u].min(index[v]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[u]);
                }
                if low[u] == index[u] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = next_component;
                        if w == u {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![0]]);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
    }
}
