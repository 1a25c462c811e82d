//! Recursion: a type that contains itself by value (through fields, oneof arms or aliases,
//! not through `Vec` or maps, which already allocate) gets a `Box` on each edge of the cycle.

use std::collections::BTreeMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Replaces `Named` with `Boxed` on every by-value edge that lies on a cycle.
pub(crate) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
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
    let cyclic: Vec<(String, String)> = edges
        .iter()
        .enumerate()
        .flat_map(|(u, targets)| targets.iter().map(move |&v| (u, v)))
        .filter(|&(u, v)| scc[u] == scc[v])
        .map(|(u, v)| (names[u].clone(), names[v].clone()))
        .collect();
    for (from, to) in cyclic {
        let Some(type_def) = types.get_mut(&from) else {
            continue;
        };
        match &mut type_def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| box_ref(&mut f.ty, &to)),
            TypeKind::OneOf(o) => o.arms.iter_mut().for_each(|a| box_ref(&mut a.ty, &to)),
            TypeKind::Alias(ty) => box_ref(ty, &to),
            TypeKind::Enum(_) => {}
        }
    }
}

fn box_ref(ty: &mut TypeRef, target: &str) {
    if let TypeRef::Named(name) = ty {
        if name == target {
            *ty = TypeRef::Boxed(name.clone());
        }
    }
}

fn direct_targets(kind: &TypeKind) -> Vec<String> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => Some(n.clone()),
        _ => None,
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::OneOf(o) => o.arms.iter().filter_map(|a| direct(&a.ty)).collect(),
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
